//! `vow policy render`: snapshots of the rendered policies, and the HTML
//! page as headless Chromium draws it.

use std::path::PathBuf;
use std::process::Command;

use vow_policy::check;
use vow_policy::render::{Format, render};

fn example(name: &str) -> vow_policy::Policy {
    let path = format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    check(&path, &text).expect("example checks").policy
}

#[test]
fn markdown_in_three_languages() {
    // promise: SHOP-05 — the cookie notice is generated from the cookie table
    let shop = example("course-shop");
    for lang in ["en", "fr", "uk"] {
        let md = render(&shop, Format::Markdown, lang).expect("renders");
        insta::assert_snapshot!(format!("course-shop-{lang}.md"), md);
    }
}

#[test]
fn html_of_the_franchise_policy() {
    let kids = example("kids-coding-franchise");
    insta::assert_snapshot!(
        "kids-coding-franchise-en.html",
        render(&kids, Format::Html, "en").expect("renders")
    );
}

#[test]
fn every_example_renders_in_every_language_and_format() {
    for name in [
        "edtech-classroom",
        "dev-agency",
        "kids-coding-franchise",
        "course-shop",
        "iot-platform",
    ] {
        let policy = example(name);
        for lang in ["en", "fr", "uk"] {
            for format in [Format::Markdown, Format::Html] {
                let text =
                    render(&policy, format, lang).unwrap_or_else(|e| panic!("{name} {lang}: {e}"));
                assert!(text.len() > 2_000, "{name} {lang} is too short");
                // Every tracker is named in the cookie notice.
                for t in &policy.trackers {
                    let shown = if format == Format::Markdown {
                        t.name.replace('_', "\\_").replace('*', "\\*")
                    } else {
                        t.name.clone()
                    };
                    assert!(
                        text.contains(&shown),
                        "{name} {lang}: tracker {} missing",
                        t.name
                    );
                }
            }
        }
    }
}

#[test]
fn disclosures_the_promises_require_are_rendered() {
    // promise: IOT-13 — cross-site tracking is stated
    let iot = render(&example("iot-platform"), Format::Markdown, "en").unwrap();
    assert!(iot.contains("follow your activity across other web sites"));
    // promise: AGENCY-03 — where data is processed
    let agency = render(&example("dev-agency"), Format::Markdown, "en").unwrap();
    assert!(agency.contains("International transfers") && agency.contains("Russia"));
    // promise: KIDS-09 — transfer to the United States
    let kids = render(&example("kids-coding-franchise"), Format::Markdown, "en").unwrap();
    assert!(kids.contains("the United States"));
    // promise: KIDS-18 — the Shine the Light address and subject line
    assert!(kids.contains("Request for California Privacy Information"));
    // promise: EDU-15 — seven business days' notice
    let edu = render(&example("edtech-classroom"), Format::Markdown, "fr").unwrap();
    assert!(edu.contains("7 jours ouvrés"));
}

/// The page in a real browser: the DOM has the cookie tables, and a
/// screenshot is drawn. Needs Debian's `chromium` (./scripts/test installs it).
#[test]
fn html_renders_in_chromium() {
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("chromium is not installed: run ./scripts/test, which installs it");
    let dir = tempfile::tempdir().expect("temp dir");
    let page: PathBuf = dir.path().join("policy.html");
    let shot = dir.path().join("policy.png");
    let html = render(&example("course-shop"), Format::Html, "fr").expect("renders");
    std::fs::write(&page, html).expect("write page");
    let base_args = |profile: &str| {
        vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            format!("--user-data-dir={profile}"),
        ]
    };
    let url = format!("file://{}", page.display());
    let dom = Command::new(chromium)
        .args(base_args(&dir.path().join("p1").display().to_string()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<table class=\"cookies\">"),
        "no cookie table in the DOM"
    );
    assert!(
        dom.contains("<td>svSession</td>") && dom.contains("<td>_ga</td>"),
        "cookie rows missing"
    );
    assert!(dom.contains("Cookies et technologies similaires"));
    let status = Command::new(chromium)
        .args(base_args(&dir.path().join("p2").display().to_string()))
        .arg("--window-size=1200,2000")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "screenshot is only {size} bytes");
}
