//! The server-rendered pages people open (the privacy centre, the page
//! behind an unsubscribe link): one layout, no script, in the person's
//! language, every value escaped by the templates.
//!
//! - [`Lang`]: the language of a page — `?lang=` (remembered in a
//!   cookie), else that cookie, else `Accept-Language`, else English.
//! - [`View`]: renders a template of `templates/` inside the layout, with
//!   the language's phrases ([`phrases`]) as `t`.
//! - [`headers`]: what every page answer carries (CSP without script or
//!   framing, `nosniff`, `no-referrer`).

pub mod phrases;

use std::sync::OnceLock;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{AutoEscape, Environment, Value, context};
use serde::Serialize;
use vow_policy::render::i18n::Language;

pub use phrases::{Phrases, fill};

/// The cookie that remembers a language picked on a page.
const LANG_COOKIE: &str = "vow_lang";

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

/// `text` safe inside HTML text and attribute values (for the few pages
/// not made from a template).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The language of a page, and whether the person just picked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang {
    pub language: Language,
    picked: bool,
}

impl Lang {
    /// `asked` is the page's `?lang=`.
    pub fn of(headers: &HeaderMap, asked: Option<&str>) -> Lang {
        if let Some(language) = asked.and_then(Language::parse) {
            return Lang {
                language,
                picked: true,
            };
        }
        let language = cookie(headers, LANG_COOKIE)
            .and_then(Language::parse)
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(accepted)
            })
            .unwrap_or(Language::En);
        Lang {
            language,
            picked: false,
        }
    }

    pub fn tag(self) -> &'static str {
        self.language.tag()
    }

    pub fn t(self) -> &'static Phrases {
        phrases::phrases(self.language)
    }

    /// The `Set-Cookie` that remembers a language just picked.
    fn remember(self) -> Option<String> {
        self.picked.then(|| {
            format!(
                "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                self.tag()
            )
        })
    }
}

impl Default for Lang {
    fn default() -> Lang {
        Lang {
            language: Language::En,
            picked: false,
        }
    }
}

/// The first language of `Accept-Language` vow speaks, by weight.
fn accepted(header: &str) -> Option<Language> {
    let mut offered: Vec<(f32, Language)> = header
        .split(',')
        .filter_map(|part| {
            let mut fields = part.trim().split(';');
            let tag = fields.next()?.trim();
            let weight = fields
                .find_map(|f| f.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            Some((weight, Language::parse(&tag.to_ascii_lowercase())?))
        })
        .filter(|(w, _)| *w > 0.0)
        .collect();
    // Stable: of equal weights, the first listed wins.
    offered.sort_by(|a, b| b.0.total_cmp(&a.0));
    offered.first().map(|(_, l)| *l)
}

/// A link to this page in another language.
#[derive(Serialize)]
struct LanguageLink {
    tag: &'static str,
    name: &'static str,
    href: String,
}

/// Renders pages in one language, for one address (the language links
/// point back at it).
pub struct View {
    pub lang: Lang,
    /// The page's path and query, without `lang`.
    here: String,
}

impl View {
    pub fn new(lang: Lang, path: &str, query: &[(&str, &str)]) -> View {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        for (k, v) in query.iter().filter(|(k, _)| *k != "lang") {
            pairs.append_pair(k, v);
        }
        let query = pairs.finish();
        View {
            lang,
            here: if query.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{query}")
            },
        }
    }

    pub fn t(&self) -> &'static Phrases {
        self.lang.t()
    }

    fn languages(&self) -> Vec<LanguageLink> {
        Language::ALL
            .iter()
            .map(|(tag, language)| LanguageLink {
                tag,
                name: match language {
                    Language::En => "English",
                    Language::Fr => "Français",
                    Language::Uk => "Українська",
                },
                href: format!(
                    "{}{}lang={tag}",
                    self.here,
                    if self.here.contains('?') { '&' } else { '?' }
                ),
            })
            .collect()
    }

    /// `template` rendered with `ctx` and what every template may use:
    /// `lang`, `t` (the phrases), `languages`, `style`.
    fn render(&self, template: &str, ctx: Value) -> Result<String, minijinja::Error> {
        templates().get_template(template)?.render(context! {
            lang => self.lang.tag(),
            t => Value::from(minijinja::value::Serde(self.t())),
            languages => Value::from(minijinja::value::Serde(self.languages())),
            style => STYLE,
            ..ctx
        })
    }

    /// A piece of a page (inserted into another document); `None`, logged,
    /// when it does not render.
    pub fn fragment(&self, template: &str, ctx: Value) -> Option<String> {
        self.render(template, ctx)
            .inspect_err(|e| tracing::error!(template, error = %e, "a page could not be rendered"))
            .ok()
    }

    /// The links to this page in the other languages.
    pub fn language_nav(&self) -> String {
        self.render("nav.html", Value::UNDEFINED)
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "the language links could not be rendered");
                String::new()
            })
    }

    /// `response`, remembering the language if the person just picked it.
    pub fn with_language_cookie(&self, mut response: Response) -> Response {
        if let Some(cookie) = self
            .lang
            .remember()
            .and_then(|c| HeaderValue::from_str(&c).ok())
        {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        response
    }

    /// `template` inside the layout, titled `title`, answered with `status`.
    pub fn page(&self, status: StatusCode, template: &str, title: &str, ctx: Value) -> Response {
        let response = match self.render(template, context! { title => title, ..ctx }) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => failed(template, &e),
        };
        self.with_language_cookie(response)
    }

    /// A page that says one thing: a heading, paragraphs, a way back.
    pub fn message(
        &self,
        status: StatusCode,
        heading: &str,
        paragraphs: &[&str],
        back: Option<(&str, &str)>,
    ) -> Response {
        self.page(
            status,
            "message.html",
            heading,
            context! {
                heading => heading,
                paragraphs => paragraphs.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
                back => back.map(|(href, text)| context! { href => href, text => text }),
            },
        )
    }
}

fn failed(template: &str, e: &minijinja::Error) -> Response {
    tracing::error!(template, error = %e, "a page could not be rendered");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the page could not be rendered",
    )
        .into_response()
}

/// Every template, parsed once.
fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .expect("the page templates parse (a test renders each)");
        }
        env
    })
}

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../templates/layout.html")),
    ("nav.html", include_str!("../../templates/nav.html")),
    ("message.html", include_str!("../../templates/message.html")),
    (
        "centre/home.html",
        include_str!("../../templates/centre/home.html"),
    ),
    (
        "centre/sent.html",
        include_str!("../../templates/centre/sent.html"),
    ),
    (
        "centre/link.html",
        include_str!("../../templates/centre/link.html"),
    ),
    (
        "centre/me.html",
        include_str!("../../templates/centre/me.html"),
    ),
    (
        "centre/history.html",
        include_str!("../../templates/centre/history.html"),
    ),
    (
        "unsubscribe/show.html",
        include_str!("../../templates/unsubscribe/show.html"),
    ),
];

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f;background:#fff}\
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}\
button{font:inherit;font-weight:600;padding:.55rem 1.1rem;border:2px solid #1a5fb4;border-radius:.375rem;background:#1a5fb4;color:#fff;cursor:pointer}\
button.alt{background:transparent;color:#1a5fb4}\
input[type=email],input[type=text],select{font:inherit;padding:.45rem;border:1px solid #767680;border-radius:.3rem;min-width:16rem;max-width:100%;box-sizing:border-box}\
fieldset{border:1px solid #d0d0d7;border-radius:.375rem;margin:1rem 0;padding:.5rem 1rem}\
label{display:block;padding:.2rem 0}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}\
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d0d0d7;vertical-align:top}\
a{color:#1a5fb4}:focus-visible{outline:3px solid #e66100;outline-offset:2px}\
.note{padding:.5rem .75rem;border-left:4px solid #1a5fb4;background:#e8f0fb}\
.row{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}.row form{margin:0}\
small{color:#4d4d57}\
@media (max-width:32rem){table{table-layout:fixed}th,td{padding:.3rem .25rem;overflow-wrap:anywhere;font-size:.9rem}input[type=email],input[type=text],select{min-width:0;width:100%}}\
@media (prefers-color-scheme:dark){body{background:#16161b;color:#ececf1}a,button.alt{color:#8ab4f8}button{background:#8ab4f8;border-color:#8ab4f8;color:#10131a}.note{background:#1d2a3d}th,td,fieldset{border-color:#44444d}small{color:#b4b4bf}}";

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn the_language_comes_from_the_page_the_cookie_then_the_browser() {
        let browser = headers(&[(header::ACCEPT_LANGUAGE, "de-CH, fr;q=0.8, en;q=0.5")]);
        assert_eq!(Lang::of(&browser, None).language, Language::Fr);
        assert_eq!(Lang::of(&browser, Some("uk")).language, Language::Uk);
        assert_eq!(
            Lang::of(&browser, Some("uk")).remember().as_deref(),
            Some("vow_lang=uk; Path=/; Max-Age=31536000; SameSite=Lax")
        );
        assert_eq!(Lang::of(&browser, None).remember(), None);
        let remembered = headers(&[
            (header::ACCEPT_LANGUAGE, "fr"),
            (header::COOKIE, "a=1; vow_lang=uk"),
        ]);
        assert_eq!(Lang::of(&remembered, None).language, Language::Uk);
        let unknown = headers(&[(header::ACCEPT_LANGUAGE, "de, it;q=0.9, uk;q=0")]);
        assert_eq!(Lang::of(&unknown, None).language, Language::En);
        assert_eq!(
            Lang::of(
                &headers(&[(header::ACCEPT_LANGUAGE, "uk-UA,uk;q=0.9")]),
                None
            )
            .language,
            Language::Uk
        );
    }

    /// Every template renders in every language, and what is filled in
    /// is escaped.
    #[test]
    fn every_template_renders_and_escapes() {
        for (tag, _) in Language::ALL {
            let lang = Lang::of(&HeaderMap::new(), Some(tag));
            let view = View::new(lang, "/centre", &[("for", "kid & co"), ("lang", "en")]);
            let response = view.message(
                StatusCode::OK,
                "<b>heading</b>",
                &["one < two"],
                Some(("/centre", "back")),
            );
            assert_eq!(response.status(), StatusCode::OK);
            for name in TEMPLATES.iter().map(|(n, _)| n) {
                templates()
                    .get_template(name)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        let env = templates();
        let html = env
            .get_template("message.html")
            .unwrap()
            .render(context! {
                lang => "en", title => "<t>", t => Value::from(minijinja::value::Serde(phrases::phrases(Language::En))),
                languages => Vec::<Value>::new(), style => "",
                heading => "<script>", paragraphs => ["a & b"], back => (),
            })
            .unwrap();
        assert!(
            html.contains("&lt;script&gt;") && html.contains("a &amp; b"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
    }
}
