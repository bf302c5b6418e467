//! `vow dataset`: describe a connected database for data-subject requests.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;
use vow_dsr::dataset::{ConnectionSpec, Identity};
use vow_dsr::{Database, TableName};
use vow_policy::{Report, Severity, SourceFile};

use crate::output::{EXIT_FINDINGS, EXIT_OK, color_stderr, print_json};

#[derive(clap::Subcommand)]
pub enum DatasetCommand {
    /// Draft a dataset from a database's catalogue.
    ///
    /// Follows foreign keys both ways from the subject's table: down to every
    /// table whose rows reference the person's (rentals, then their
    /// payments), and up one step where the data shows the referenced row is
    /// the person's alone (their address, not their store). Guesses each
    /// column's category from its name and type. Review the draft: every
    /// category, every erasure, and the holds, before use.
    ///
    /// Example: vow dataset discover "$SHOP_DATABASE_URL" --subject-table customer
    /// --identity email=email --url-env SHOP_DATABASE_URL -o shop.dataset.yaml
    Discover {
        /// The database URL: postgres://…, mysql://… or mariadb://…, sqlite://path.
        url: String,
        /// The table with one row per person (`customer`, `public.customer`).
        #[arg(long)]
        subject_table: String,
        /// What requests name a person by, and its column: `email=email`,
        /// `phone=phone`, `account_id=customer_id` (repeat or separate by commas).
        #[arg(long, value_delimiter = ',', required = true)]
        identity: Vec<String>,
        /// The dataset's id.
        #[arg(long, default_value = "main")]
        id: String,
        /// The environment variable the dataset will read the URL from (the
        /// URL itself is never written into the file).
        #[arg(long, default_value = "DATABASE_URL")]
        url_env: String,
        /// Write the draft here instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print the draft as JSON instead of YAML.
        #[arg(long)]
        json: bool,
    },
    /// Check a dataset: its structure, its categories against the policy,
    /// and its tables, columns, paths and erasures against the database.
    ///
    /// Errors (D0xx) and warnings (D1xx: personal-looking columns left
    /// undescribed, tables that reference a person's rows but are not
    /// listed) are listed in docs/datasets.md. Exit code 1 on an error (or on
    /// a warning with --fail-on warning).
    Check {
        file: PathBuf,
        /// The policy whose categories the columns must use.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Connect with this URL instead of the dataset's own connection.
        #[arg(long)]
        url: Option<String>,
        /// Do not connect: check the file (and the policy) only.
        #[arg(long, conflicts_with = "url")]
        offline: bool,
        /// Print the findings as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// The lowest severity that makes the exit code 1.
        #[arg(long, value_enum, default_value = "error")]
        fail_on: crate::policy::FailOn,
    },
    /// Print the JSON Schema of dataset files (for editors).
    Schema {
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

pub fn run(command: DatasetCommand) -> anyhow::Result<ExitCode> {
    match command {
        DatasetCommand::Schema { output } => {
            let text = vow_dsr::dataset::json_schema_text();
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::from(EXIT_OK))
        }
        DatasetCommand::Discover {
            url,
            subject_table,
            identity,
            id,
            url_env,
            output,
            json,
        } => discover(
            &url,
            &subject_table,
            &identity,
            id,
            url_env,
            output.as_deref(),
            json,
        ),
        DatasetCommand::Check {
            file,
            policy,
            url,
            offline,
            json,
            fail_on,
        } => check(&file, policy.as_deref(), url, offline, json, fail_on),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn discover(
    url: &str,
    subject: &str,
    identity: &[String],
    id: String,
    url_env: String,
    output: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let mut ids = Identity::default();
    for pair in identity {
        let (kind, column) = pair.split_once('=').with_context(|| {
            format!("--identity `{pair}`: write kind=column, such as email=email")
        })?;
        let slot = match kind {
            "email" => &mut ids.email,
            "phone" => &mut ids.phone,
            "account_id" => &mut ids.account_id,
            other => anyhow::bail!(
                "--identity `{pair}`: `{other}` is not a kind of identity (email, phone, account_id)"
            ),
        };
        *slot = Some(column.to_owned());
    }
    let start = vow_dsr::discover::Start {
        id,
        subject: vow_dsr::dataset::table_name(subject),
        identity: ids,
        connection: ConnectionSpec {
            url_env: Some(url_env),
            secrets_file: None,
            engine: None,
        },
    };
    let dataset = runtime()?.block_on(async {
        let db = Database::connect(url).await?;
        let dataset = vow_dsr::discover::run(&db, &start).await;
        db.close().await;
        anyhow::Ok(dataset?)
    })?;
    let text = if json {
        serde_json::to_string_pretty(&dataset)? + "\n"
    } else {
        let mut text = String::from(
            "# A draft by `vow dataset discover`: review every category and every\n\
             # erasure, add the holds (accounting records, legal holds), then run\n\
             # `vow dataset check` on it.\n",
        );
        text.push_str(
            &serde_saphyr::to_string(&dataset).context("cannot write the draft as YAML")?,
        );
        text
    };
    match output {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let subject = TableName {
                schema: None,
                name: subject.to_owned(),
            };
            eprintln!(
                "{}: {} tables hold rows of a `{}`: {}",
                path.display(),
                dataset.tables.len(),
                subject.name,
                dataset
                    .tables
                    .iter()
                    .map(|t| t.table.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn check(
    file: &Path,
    policy: Option<&Path>,
    url: Option<String>,
    offline: bool,
    json: bool,
    fail_on: crate::policy::FailOn,
) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let (dataset, source) = match vow_dsr::dataset::parse(&name, &text) {
        Ok(parsed) => parsed,
        Err(report) => return report_out(&name, &report, json, fail_on),
    };
    let policy = match policy {
        None => None,
        Some(path) => match crate::policy::load(path)? {
            Ok(checked) => Some(checked.policy),
            Err(report) => {
                eprint!("{}", report.render(color_stderr()));
                anyhow::bail!("the policy {} does not check; fix it first", path.display());
            }
        },
    };
    let catalog = if offline {
        None
    } else {
        let url = match url {
            Some(url) => url,
            None => dataset
                .connection
                .url(file.parent().unwrap_or(Path::new(".")))?,
        };
        Some(runtime()?.block_on(async {
            let db = Database::connect(&url).await?;
            let catalog = vow_dsr::catalog::read(&db).await;
            db.close().await;
            anyhow::Ok(catalog?)
        })?)
    };
    let diagnostics = vow_dsr::dataset::check_against(&dataset, policy.as_ref(), catalog.as_ref());
    let report = Report::new(
        SourceFile::new(source.name.clone(), source.text.clone()),
        diagnostics,
    );
    report_out(&name, &report, json, fail_on)
}

fn report_out(
    name: &str,
    report: &Report,
    json: bool,
    fail_on: crate::policy::FailOn,
) -> anyhow::Result<ExitCode> {
    let (errors, warnings) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    if json {
        print_json(&json!({ "file": name, "ok": errors == 0, "diagnostics": report.to_json() }))?;
    } else if report.diagnostics.is_empty() {
        eprintln!("{name}: ok");
    } else {
        eprint!("{}", report.render(color_stderr()));
        eprintln!("{name}: {errors} error(s), {warnings} warning(s)");
    }
    let failed = report.diagnostics.iter().any(|d| fail_on.fails(d.severity));
    Ok(ExitCode::from(if failed { EXIT_FINDINGS } else { EXIT_OK }))
}
