//! The server-rendered pages people open (the privacy centre, the page
//! behind an unsubscribe link): one layout, no script, every value
//! escaped.

use axum::http::{HeaderValue, header};
use axum::response::{Html, Response};

/// What every page answer carries: no script runs, nothing loads from
/// elsewhere, no other site frames it, forms post only here.
pub async fn headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `text` safe inside HTML text and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A whole page: `title` (escaped here) and `body` (HTML, escaped by the caller).
pub fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><title>{title}</title>
<style>{STYLE}</style>
</head><body><main>{body}</main></body></html>"#,
        title = escape(title),
    ))
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f;background:#fff}\
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}\
button{font:inherit;font-weight:600;padding:.55rem 1.1rem;border:2px solid #1a5fb4;border-radius:.375rem;background:#1a5fb4;color:#fff;cursor:pointer}\
button.alt{background:transparent;color:#1a5fb4}\
input[type=email],input[type=text],select{font:inherit;padding:.45rem;border:1px solid #767680;border-radius:.3rem;min-width:16rem}\
fieldset{border:1px solid #d0d0d7;border-radius:.375rem;margin:1rem 0;padding:.5rem 1rem}\
label{display:block;padding:.2rem 0}table{border-collapse:collapse;width:100%}\
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d0d0d7;vertical-align:top}\
a{color:#1a5fb4}:focus-visible{outline:3px solid #e66100;outline-offset:2px}\
.note{padding:.5rem .75rem;border-left:4px solid #1a5fb4;background:#e8f0fb}\
@media (prefers-color-scheme:dark){body{background:#16161b;color:#ececf1}a,button.alt{color:#8ab4f8}button{background:#8ab4f8;border-color:#8ab4f8;color:#10131a}.note{background:#1d2a3d}th,td,fieldset{border-color:#44444d}}";
