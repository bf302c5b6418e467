//! `vow request ...`: data-subject requests, from the command line.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use vow_dsr::request::{
    Actor, ActorKind, Agent, AgentKind, Guardianship, NewRequest, RequestKind, RequestState,
};
use vow_dsr::runner::{
    Backoff, Case, Change, Desk, DeskError, Names, Opening, Outcome, Target, TaskState, Watch,
    summary,
};
use vow_policy::{AgentProof, Policy, VerificationMethod};
use vow_server::desk::{hash_key, targets};
use vow_server::serve::{Create, ledger_key, open_store};
use vow_store::{AnyStore, RequestQuery, Store};

use crate::output::{EXIT_FINDINGS, EXIT_OK, print_json};
use crate::serve::StoreArgs;

#[derive(Subcommand)]
pub enum RequestCommand {
    /// Open a request: works out its deadline under the policy and the law
    /// of the person's jurisdiction, refuses at once what the policy does
    /// not grant (or a request over the limit), and records it in the ledger.
    ///
    /// Example: vow request create --right erasure --subject mary@example.com --jurisdiction GB
    Create(CreateArgs),
    /// List requests, oldest id first.
    List {
        #[command(flatten)]
        store: StoreArgs,
        /// Only this person's.
        #[arg(long)]
        subject: Option<String>,
        /// Only those in this state (`received`, `waiting`, `completed`...).
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Print them as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Show one request: its state, deadline, tasks per dataset and history.
    Show {
        #[command(flatten)]
        store: StoreArgs,
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Record that a check of the asker's identity passed (staff compared a
    /// document, the person signed in, a code was confirmed).
    Verify {
        #[command(flatten)]
        desk: DeskArgs,
        id: String,
        /// The check that passed (staff saw it).
        #[arg(long, value_enum, required_unless_present_any = ["send_code", "code"])]
        method: Option<Method>,
        /// Send a one-time code to the e-mail address on file (SMTP from
        /// `[mail]` in vow.toml or VOW_SMTP_*).
        #[arg(long, conflicts_with_all = ["method", "code"])]
        send_code: bool,
        /// The code the person received.
        #[arg(long, conflicts_with = "method")]
        code: Option<String>,
        /// Who saw it pass (recorded in the ledger).
        #[arg(long, default_value = "staff")]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// Confirm to the person that their request was received: how it will
    /// be verified and when it is due, by e-mail (or, with --told, say how
    /// they were told). The CCPA asks for it within 10 business days (11
    /// CCR § 7021(a)); `vow request show` says by when a law asks for it.
    ///
    /// Example: vow request acknowledge req-1
    Acknowledge {
        #[command(flatten)]
        desk: DeskArgs,
        id: String,
        #[command(flatten)]
        tell: TellArgs,
    },
    /// Put the answer off, for a reason the person is told by e-mail (or,
    /// with --told, was told another way) — as the law requires, before the
    /// first deadline. The new date is at most what the law and the policy
    /// allow (one month plus two under the GDPR, 45 plus 45 days under the
    /// CCPA); that latest date is the default.
    ///
    /// Example: vow request extend req-1 --reason "your data is in three systems, one archived"
    Extend {
        #[command(flatten)]
        desk: DeskArgs,
        id: String,
        /// Why more time is needed, in words the person understands.
        #[arg(long)]
        reason: String,
        /// The new deadline (YYYY-MM-DD, the end of that day in UTC)
        /// [default: the latest allowed].
        #[arg(long, value_name = "DATE")]
        until: Option<chrono::NaiveDate>,
        #[command(flatten)]
        tell: TellArgs,
    },
    /// Refuse a request, for a reason the person is told with the appeal
    /// the law gives them (by e-mail, or with --told another way).
    ///
    /// Example: vow request deny req-1 --identity-not-verified
    Deny {
        #[command(flatten)]
        desk: DeskArgs,
        id: String,
        /// The exception of the law or the policy that applies, in words
        /// the person understands.
        #[arg(long, required_unless_present = "identity_not_verified")]
        reason: Option<String>,
        /// The person's identity could not be verified.
        #[arg(long, conflicts_with = "reason")]
        identity_not_verified: bool,
        #[command(flatten)]
        tell: TellArgs,
    },
    /// Write the export package of a completed access or portability
    /// request: a zip with manifest.json, data.json, one CSV per table and
    /// summary.html (GDPR Art. 15(1)(a)–(h)).
    Export {
        #[command(flatten)]
        desk: DeskArgs,
        id: String,
        /// The zip to write.
        #[arg(long, short)]
        output: PathBuf,
        /// The summary's language, when the policy is published in it (`fr`, `uk`).
        #[arg(long)]
        language: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Do the work of a verified request in every dataset, or of every
    /// request that is due (`--due`). A dataset that cannot be reached
    /// makes the request wait and retry with backoff; a crash resumes
    /// where it stopped.
    Run {
        #[command(flatten)]
        desk: DeskArgs,
        /// The request; leave out with `--due`.
        id: Option<String>,
        /// Every request that is due now.
        #[arg(long, conflicts_with = "id")]
        due: bool,
        /// Print an erasure's plan with row counts per table and change
        /// nothing (every statement runs and is rolled back).
        #[arg(long)]
        dry_run: bool,
        /// Put tasks that failed at every attempt back in the queue first.
        #[arg(long)]
        retry: bool,
        #[arg(long)]
        json: bool,
    },
}

/// How the person is told of a step, and who took it.
#[derive(Args)]
pub struct TellArgs {
    /// The person was told another way: say how ("letter posted on 3
    /// March"). Without it they are e-mailed, at the address the datasets
    /// hold for them, else the one the request gave.
    #[arg(long, value_name = "HOW")]
    told: Option<String>,
    /// Who decided (recorded in the ledger): `staff` or `staff:<name>`.
    #[arg(long, default_value = "staff")]
    by: String,
    #[arg(long)]
    json: bool,
}

/// The store, the policy and the datasets a request runs with.
#[derive(Args)]
pub struct DeskArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The policy in force [default: <data-dir>/policy.yaml].
    #[arg(long, env = "VOW_POLICY", value_name = "FILE")]
    policy: Option<PathBuf>,
    /// A dataset file; repeat for several [default: <data-dir>/datasets/*.yaml].
    #[arg(long = "dataset", value_name = "FILE")]
    datasets: Vec<PathBuf>,
}

#[derive(Args)]
pub struct CreateArgs {
    #[command(flatten)]
    desk: DeskArgs,
    /// What the person asks for.
    #[arg(long, value_enum)]
    right: Asked,
    /// The person, as the ledger names them (often their e-mail address).
    #[arg(long)]
    subject: String,
    /// Their jurisdiction: `GB`, `FR`, `US-CA`...
    #[arg(long)]
    jurisdiction: String,
    /// The request's id [default: req-<time>].
    #[arg(long)]
    id: Option<String>,
    /// The e-mail address to find them by in the datasets [default: the subject, if an address].
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    account_id: Option<String>,
    /// For an objection: the purpose objected to [default: direct marketing].
    #[arg(long)]
    purpose: Option<String>,
    /// For a rectification: `column=value` to set in the person's row
    /// (`column=` empties it); repeat for several.
    #[arg(long = "set", value_name = "COLUMN=VALUE")]
    set: Vec<String>,
    /// Someone acting for the person: `parent:<id>` (linked as their
    /// guardian in the ledger) or `agent:<id>` (an authorised agent).
    #[arg(long, value_name = "KIND:ID")]
    agent: Option<String>,
    /// What an authorised agent showed; repeat for several.
    #[arg(long = "agent-proof", value_enum)]
    agent_proof: Vec<Proof>,
    /// Who opened it: `subject` (default) or `staff:<name>` (a letter, a call).
    #[arg(long, default_value = "subject")]
    by: String,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Asked {
    Access,
    Portability,
    Erasure,
    Rectification,
    Restriction,
    Objection,
    RightToKnow,
    /// California's Shine the Light (Cal. Civ. Code § 1798.83).
    ShineTheLight,
}

#[derive(Clone, Copy, ValueEnum)]
enum Proof {
    SignedPermission,
    PowerOfAttorney,
    RegisteredBusiness,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Method {
    Account,
    EmailOnFile,
    PhoneOnFile,
    MatchRecords,
    IdentityDocument,
    SignedDeclaration,
}

impl From<Method> for VerificationMethod {
    fn from(m: Method) -> VerificationMethod {
        match m {
            Method::Account => VerificationMethod::Account,
            Method::EmailOnFile => VerificationMethod::EmailOnFile,
            Method::PhoneOnFile => VerificationMethod::PhoneOnFile,
            Method::MatchRecords => VerificationMethod::MatchRecords,
            Method::IdentityDocument => VerificationMethod::IdentityDocument,
            Method::SignedDeclaration => VerificationMethod::SignedDeclaration,
        }
    }
}

pub fn run(command: RequestCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match command {
            RequestCommand::Create(args) => create(args).await,
            RequestCommand::List {
                store,
                subject,
                status,
                limit,
                json,
            } => list(&store, subject, status, limit, json).await,
            RequestCommand::Show { store, id, json } => show(&store, &id, json).await,
            RequestCommand::Verify {
                desk,
                id,
                method,
                send_code,
                code,
                by,
                json,
            } => {
                let how = match (method, code) {
                    _ if send_code => Check::SendCode,
                    (Some(m), _) => Check::Saw(m.into()),
                    (None, Some(c)) => Check::Code(c),
                    (None, None) => bail!("give --method, --send-code or --code"),
                };
                verify(&desk, &id, how, &by, json).await
            }
            RequestCommand::Export {
                desk,
                id,
                output,
                language,
                json,
            } => export(&desk, &id, &output, language, json).await,
            RequestCommand::Acknowledge { desk, id, tell } => {
                told(&desk, &id, Told::Acknowledge, tell).await
            }
            RequestCommand::Extend {
                desk,
                id,
                reason,
                until,
                tell,
            } => {
                let until = until.map(|day| {
                    day.and_hms_opt(23, 59, 59)
                        .expect("a valid time of day")
                        .and_utc()
                });
                told(&desk, &id, Told::Extend { reason, until }, tell).await
            }
            RequestCommand::Deny {
                desk,
                id,
                reason,
                identity_not_verified,
                tell,
            } => {
                let reason = match reason {
                    Some(explanation) if !identity_not_verified => {
                        vow_dsr::request::DenialReason::Exception { explanation }
                    }
                    _ => vow_dsr::request::DenialReason::IdentityNotVerified,
                };
                told(&desk, &id, Told::Deny(reason), tell).await
            }
            RequestCommand::Run {
                desk,
                id,
                due,
                dry_run,
                retry,
                json,
            } => run_requests(&desk, id, due, dry_run, retry, json).await,
        }
    })
}

/// What a desk needs, opened.
struct Opened {
    mail: Option<vow_mail::MailConfig>,
    store: AnyStore,
    policy: Policy,
    targets: Vec<Target>,
    hash_key: [u8; 32],
}

/// The policy a command works with: `--policy`, the settings' `policy`,
/// or the one `vow serve` keeps in the data directory; checked.
pub fn policy_in_force(config: &vow_server::config::Config) -> anyhow::Result<Policy> {
    let path = config
        .policy
        .clone()
        .unwrap_or_else(|| config.data_dir.join("policy.yaml"));
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read the policy {}: give --policy FILE, or run `vow serve` once to write the example",
            path.display()
        )
    })?;
    match vow_policy::check(&path.display().to_string(), &text) {
        Ok(checked) => Ok(checked.policy),
        Err(report) => bail!("{}", report.render(false)),
    }
}

async fn open(args: &DeskArgs) -> anyhow::Result<Opened> {
    let mut settings = args.store.settings()?;
    if args.policy.is_some() {
        settings.policy = args.policy.clone();
    }
    if !args.datasets.is_empty() {
        settings.datasets = Some(args.datasets.clone());
    }
    let config = settings.resolve();
    let policy = policy_in_force(&config)?;
    let targets = targets(&config)?;
    let key = ledger_key(&config, Create::No)?;
    let store = open_store(&config, Create::No).await?;
    Ok(Opened {
        mail: config.mail.clone(),
        store,
        policy,
        hash_key: hash_key(&key),
        targets,
    })
}

impl Opened {
    /// The mailer of `[mail]` in vow.toml, with `VOW_SMTP_*` over it.
    fn mailer(&self) -> anyhow::Result<vow_mail::Mailer> {
        let config = self
            .mail
            .clone()
            .unwrap_or_default()
            .with_env(|v| std::env::var(v).ok())?;
        Ok(vow_mail::Mailer::new(&config)?)
    }

    fn desk<'a>(&'a self, watch: &'a dyn Watch) -> Desk<'a, AnyStore> {
        Desk {
            store: &self.store,
            policy: &self.policy,
            targets: &self.targets,
            hash_key: &self.hash_key,
            backoff: Backoff::default(),
            channel: "cli",
            watch,
        }
    }
}

fn actor(by: &str, subject: &str) -> anyhow::Result<Actor> {
    Ok(match by.split_once(':') {
        None if by == "subject" => Actor::new(ActorKind::Subject, subject),
        None if by == "staff" => Actor::new(ActorKind::Staff, "staff"),
        Some(("staff", name)) if !name.is_empty() => Actor::new(ActorKind::Staff, name),
        _ => bail!("--by takes `subject`, `staff` or `staff:<name>`, not `{by}`"),
    })
}

async fn create(args: CreateArgs) -> anyhow::Result<ExitCode> {
    let opened = open(&args.desk).await?;
    let purpose = args
        .purpose
        .as_deref()
        .map(|p| vow_policy::ElementId::parse(p).map_err(anyhow::Error::msg))
        .transpose()?;
    let right = args
        .right
        .to_possible_value()
        .expect("every right has a name");
    let kind = RequestKind::parse(&right.get_name().replace('-', "_"), purpose)?;
    let changes = args
        .set
        .iter()
        .map(|s| {
            let (column, value) = s
                .split_once('=')
                .with_context(|| format!("--set takes COLUMN=VALUE, not `{s}`"))?;
            Ok(Change {
                column: column.trim().to_owned(),
                value: (!value.is_empty()).then(|| value.to_owned()),
                dataset: None,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let now = Utc::now();
    let id = args
        .id
        .clone()
        .unwrap_or_else(|| format!("req-{}", now.format("%Y%m%d-%H%M%S-%3f")));
    let agent = args
        .agent
        .as_deref()
        .map(|a| {
            let (kind, agent_id) = a
                .split_once(':')
                .filter(|(_, id)| !id.is_empty())
                .with_context(|| format!("--agent takes parent:<id> or agent:<id>, not `{a}`"))?;
            let kind = match kind {
                "parent" => AgentKind::Parent,
                "agent" => AgentKind::AuthorisedAgent,
                other => bail!("--agent kind is `parent` or `agent`, not `{other}`"),
            };
            Ok(Agent {
                kind,
                id: agent_id.to_owned(),
                proof: args
                    .agent_proof
                    .iter()
                    .map(|p| match p {
                        Proof::SignedPermission => AgentProof::SignedPermission,
                        Proof::PowerOfAttorney => AgentProof::PowerOfAttorney,
                        Proof::RegisteredBusiness => AgentProof::RegisteredBusiness,
                    })
                    .collect(),
            })
        })
        .transpose()?;
    let actor = match &agent {
        Some(a) if args.by == "subject" => Actor::new(ActorKind::Agent, a.id.clone()),
        _ => actor(&args.by, &args.subject)?,
    };
    let opening = Opening {
        new: NewRequest {
            id,
            kind,
            subject: args.subject.clone(),
            jurisdiction: args.jurisdiction.clone(),
            agent,
            guardianship: Guardianship::default(),
            arrival: None,
        },
        names: Names {
            email: args.email.clone(),
            phone: args.phone.clone(),
            account_id: args.account_id.clone(),
        },
        changes,
        actor,
        holidays: Vec::new(),
    };
    let desk = opened.desk(&vow_dsr::runner::Quiet);
    let case = desk.create(opening, now).await;
    opened.store.close().await;
    let case = match case {
        // Refused before anything is recorded: the field, and why (AGENCY-13).
        Err(
            ref refused @ DeskError::Immutable {
                ref column,
                ref category,
                ..
            },
        ) => {
            if args.json {
                print_json(&serde_json::json!({
                    "refused": {
                        "code": "immutable_field",
                        "column": column,
                        "category": category,
                        "message": refused.to_string(),
                    }
                }))?;
            } else {
                eprintln!("refused: {refused}");
            }
            return Ok(ExitCode::from(EXIT_FINDINGS));
        }
        other => other?,
    };
    report(&case, args.json)?;
    Ok(ExitCode::from(match case.request.state {
        RequestState::Denied { .. } => EXIT_FINDINGS,
        _ => EXIT_OK,
    }))
}

async fn list(
    args: &StoreArgs,
    subject: Option<String>,
    status: Option<String>,
    limit: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    let store = open_store(&config, Create::No).await?;
    let records = store
        .requests(&RequestQuery {
            subject,
            status,
            limit,
            ..Default::default()
        })
        .await;
    store.close().await;
    let records = records?;
    // The confirmation of receipt still owed (CCPA: 10 business days), from
    // each record's body; an unreadable body shows as owing nothing.
    let acknowledge_by: Vec<Option<DateTime<Utc>>> = records
        .iter()
        .map(|r| {
            serde_json::from_value::<Case>(r.body.clone())
                .ok()
                .and_then(|c| c.request.acknowledge_by())
        })
        .collect();
    if json {
        let rows: Vec<_> = records
            .iter()
            .zip(&acknowledge_by)
            .map(|(r, ack)| {
                json!({
                    "id": r.id, "subject": r.subject, "right": r.kind, "status": r.status,
                    "received_at": r.received_at, "due_at": r.due_at, "next_run_at": r.next_run_at,
                    "acknowledge_by": ack,
                })
            })
            .collect();
        print_json(&rows)?;
    } else if records.is_empty() {
        eprintln!("no requests");
    } else {
        let day = |d: Option<DateTime<Utc>>| {
            d.map_or_else(|| "-".into(), |d| d.format("%Y-%m-%d").to_string())
        };
        println!(
            "{:<28} {:<14} {:<20} {:<12} {:<12} subject",
            "id", "right", "status", "due", "confirm by"
        );
        for (r, ack) in records.iter().zip(&acknowledge_by) {
            println!(
                "{:<28} {:<14} {:<20} {:<12} {:<12} {}",
                r.id,
                r.kind,
                r.status,
                day(r.due_at),
                day(*ack),
                r.subject
            );
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}

async fn show(args: &StoreArgs, id: &str, json: bool) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    let store = open_store(&config, Create::No).await?;
    let record = store.request(id).await;
    store.close().await;
    let record = record?.ok_or_else(|| DeskError::NotFound(id.to_owned()))?;
    let case: Case = serde_json::from_value(record.body)
        .with_context(|| format!("the stored record of request `{id}` is unreadable"))?;
    report(&case, json)?;
    Ok(ExitCode::from(EXIT_OK))
}

async fn export(
    args: &DeskArgs,
    id: &str,
    output: &std::path::Path,
    language: Option<String>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let opened = open(args).await?;
    let desk = opened.desk(&vow_dsr::runner::Quiet);
    // Written next to the target and renamed: never a half-written package.
    let partial = output.with_extension("zip.partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    let manifest = desk
        .export(id, std::io::BufWriter::new(file), language)
        .await;
    opened.store.close().await;
    let manifest = match manifest {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    std::fs::rename(&partial, output)
        .with_context(|| format!("cannot write {}", output.display()))?;
    if json {
        print_json(&manifest)?;
    } else {
        let rows: usize = manifest
            .datasets
            .iter()
            .flat_map(|d| &d.tables)
            .map(|t| t.rows)
            .sum();
        eprintln!(
            "wrote {}: {} file(s), {rows} row(s) from {} dataset(s)",
            output.display(),
            manifest.files.len() + 1,
            manifest.datasets.len()
        );
    }
    Ok(ExitCode::from(EXIT_OK))
}

enum Told {
    Acknowledge,
    Extend {
        reason: String,
        until: Option<chrono::DateTime<Utc>>,
    },
    Deny(vow_dsr::request::DenialReason),
}

/// `acknowledge`, `extend` and `deny`: a step the person is told of.
async fn told(args: &DeskArgs, id: &str, step: Told, tell: TellArgs) -> anyhow::Result<ExitCode> {
    let opened = open(args).await?;
    let desk = opened.desk(&vow_dsr::runner::Quiet);
    let now = Utc::now();
    let result = async {
        let by = actor(&tell.by, "")?;
        let mailer;
        let how = match tell.told {
            Some(how) => vow_dsr::runner::Tell::Otherwise(how),
            None => {
                mailer = opened.mailer()?;
                vow_dsr::runner::Tell::Mail(&mailer)
            }
        };
        anyhow::Ok(match step {
            Told::Acknowledge => desk.acknowledge(id, how, by, now).await?,
            Told::Extend { reason, until } => desk.extend(id, &reason, until, how, by, now).await?,
            Told::Deny(reason) => desk.deny(id, reason, how, by, now).await?,
        })
    }
    .await;
    opened.store.close().await;
    let case = result?;
    if !tell.json
        && let Some(told) = case.told.last()
    {
        match &told.how {
            vow_dsr::runner::HowTold::Email { to, .. } => {
                eprintln!("the person was e-mailed at {to}")
            }
            vow_dsr::runner::HowTold::Otherwise { how } => {
                eprintln!("recorded how the person was told: {how}")
            }
        }
    }
    report(&case, tell.json)?;
    Ok(ExitCode::from(EXIT_OK))
}

enum Check {
    Saw(VerificationMethod),
    SendCode,
    Code(String),
}

async fn verify(
    args: &DeskArgs,
    id: &str,
    how: Check,
    by: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let opened = open(args).await?;
    let desk = opened.desk(&vow_dsr::runner::Quiet);
    let now = Utc::now();
    let result: anyhow::Result<(Case, Option<vow_dsr::request::CodeCheck>)> = async {
        match how {
            Check::Saw(method) => Ok((desk.checked(id, method, actor(by, "")?, now).await?, None)),
            Check::SendCode => {
                let mailer = opened.mailer()?;
                let (case, to) = desk
                    .send_code(id, &mailer, &vow_dsr::request::CodeRules::default(), now)
                    .await?;
                eprintln!("a code was sent to {to}: `vow request verify {id} --code <code>`");
                Ok((case, None))
            }
            Check::Code(code) => {
                let (case, check) = desk.enter_code(id, &code, now).await?;
                Ok((case, Some(check)))
            }
        }
    }
    .await;
    opened.store.close().await;
    let (case, check) = result?;
    if let Some(check) = &check
        && *check != vow_dsr::request::CodeCheck::Verified
    {
        eprintln!("the code was not accepted: {check}");
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    report(&case, json)?;
    Ok(ExitCode::from(EXIT_OK))
}

async fn run_requests(
    args: &DeskArgs,
    id: Option<String>,
    due: bool,
    dry_run: bool,
    retry: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if id.is_none() && !due {
        bail!("name the request to run, or give --due to run every request that is due");
    }
    let opened = open(args).await?;
    let bars = Bars::new(json);
    let desk = opened.desk(&bars);
    let now = Utc::now();
    let result = async {
        if dry_run {
            let id = id.context("--dry-run shows one request's plan: name it")?;
            let (_, previews) = desk.preview(&id).await?;
            if json {
                print_json(&previews)?;
            } else {
                for preview in &previews {
                    println!("{}:", preview.dataset);
                    match &preview.plan {
                        Ok(plan) => {
                            for t in &plan.tables {
                                let hold = t
                                    .hold
                                    .as_ref()
                                    .map(|h| format!(" (hold `{}`: {})", h.hold, h.reason))
                                    .unwrap_or_default();
                                let columns = if t.columns.is_empty() {
                                    String::new()
                                } else {
                                    format!(" [{}]", t.columns.join(", "))
                                };
                                println!(
                                    "  {:<8} {:>7} row(s)  {}{columns}{hold}",
                                    serde_json::to_value(t.action)?.as_str().unwrap_or("?"),
                                    t.rows,
                                    t.table
                                );
                            }
                        }
                        Err(e) => println!("  cannot plan: {e}"),
                    }
                }
                eprintln!("dry run: nothing was changed");
            }
            return Ok(Vec::new());
        }
        let mut cases = Vec::new();
        if let Some(id) = id {
            if retry {
                desk.retry(&id, now).await?;
            }
            cases.push(desk.run(&id, now).await?);
        } else {
            cases = desk.run_due(now).await?;
        }
        anyhow::Ok(cases)
    }
    .await;
    bars.clear();
    opened.store.close().await;
    let cases = result?;
    if dry_run {
        return Ok(ExitCode::from(EXIT_OK));
    }
    if json {
        print_json(&cases)?;
    } else {
        for case in &cases {
            report(case, false)?;
        }
    }
    let unfinished = cases.iter().any(|c| !c.request.state.is_final());
    Ok(ExitCode::from(if unfinished {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }))
}

/// A request in a few lines (or its whole record as JSON).
fn report(case: &Case, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(case);
    }
    let r = &case.request;
    println!(
        "request {} — {} for {} ({})",
        r.id, r.kind, r.subject, r.jurisdiction
    );
    let state = match &r.state {
        RequestState::Waiting { dataset, retry_at } => {
            format!("waiting: `{dataset}` could not be reached; retried from {retry_at}")
        }
        RequestState::Denied { reason, appeal } => {
            let appeal = appeal
                .as_ref()
                .map(|a| format!("; appeal: {a}"))
                .unwrap_or_default();
            format!("denied: {reason}{appeal}")
        }
        RequestState::PartiallyCompleted { reasons } => {
            let reasons: Vec<String> = reasons
                .iter()
                .map(|s| format!("{} — {}", s.what, s.why))
                .collect();
            format!("partially completed:\n    {}", reasons.join("\n    "))
        }
        other => other.name().replace('_', " "),
    };
    println!("  state: {state}");
    if let Some(due) = r.due {
        let left = r.days_left(Utc::now()).unwrap_or(0);
        println!(
            "  due: {} ({})",
            due.format("%Y-%m-%d %H:%M UTC"),
            if r.state.is_final() {
                "answered".to_owned()
            } else if left >= 0 {
                format!("{left} day(s) left")
            } else {
                format!("{} day(s) late", -left)
            }
        );
    }
    if let Some(d) = &r.deadline
        && let Some(ack) = &d.acknowledge
    {
        let line = match (r.acknowledged, r.acknowledge_by()) {
            (Some(at), _) => format!("confirmed on {}", at.format("%Y-%m-%d")),
            (None, Some(by)) if r.acknowledgement_overdue(Utc::now()) => format!(
                "LATE: was due by {} — run `vow request acknowledge {}`",
                by.format("%Y-%m-%d %H:%M UTC"),
                r.id
            ),
            (None, Some(by)) => format!(
                "owed by {} — `vow request acknowledge {}`",
                by.format("%Y-%m-%d %H:%M UTC"),
                r.id
            ),
            (None, None) => "not needed any more: the request is closed".to_owned(),
        };
        println!("  receipt: {line} ({})", ack.citation);
    }
    for by in &r.by_law {
        println!(
            "  granted by law: the {} ({}); the policy does not declare it here",
            vow_policy::law::law_name(by.law),
            by.citation
        );
    }
    if !r.verified() && !r.state.is_final() {
        let methods: Vec<String> = r
            .verification
            .methods()
            .iter()
            .map(|m| serde_json::to_value(m).map(|v| v.as_str().unwrap_or("?").to_owned()))
            .collect::<Result<_, _>>()?;
        println!(
            "  identity not verified yet: `vow request verify {} --method <{}>`",
            r.id,
            methods.join("|")
        );
    }
    for task in &case.tasks {
        let line = match (&task.state, &task.outcome, &task.error) {
            (TaskState::Done { .. }, Some(outcome), _) => summary(outcome),
            (TaskState::Waiting { retry_at }, _, Some(e)) => {
                format!("waiting until {retry_at} (attempt {}): {e}", task.attempts)
            }
            (TaskState::Failed { .. }, _, Some(e)) => format!(
                "failed after {} attempt(s): {e}; fix it, then `vow request run {} --retry`",
                task.attempts, r.id
            ),
            (state, _, _) => serde_json::to_value(state)?["state"]
                .as_str()
                .unwrap_or("?")
                .to_owned(),
        };
        println!("  {:<12} {line}", task.dataset);
        if let Some(Outcome::Erased(erasure)) = &task.outcome {
            for t in &erasure.tables {
                println!("      {:>7} row(s) {}", t.changed, t.table);
            }
        }
    }
    for p in &case.propagation {
        println!(
            "  erasure notice to `{}` ({}): {}",
            p.recipient,
            p.categories.join(", "),
            p.state
        );
    }
    match &case.know {
        Some(know) if know.scope == vow_dsr::know::KnowScope::ShineTheLight => {
            println!(
                "  Shine the Light: {} disclosure line(s) to third parties for their direct marketing in {}",
                know.disclosures.len(),
                know.since.format("%Y")
            );
            for d in &know.disclosures {
                println!(
                    "    {} ({}): {}",
                    d.recipient.name,
                    d.purpose,
                    d.categories.join(", ")
                );
            }
        }
        Some(know) => println!(
            "  right to know: {} categories held, {} purpose(s), {} disclosure line(s) since {}",
            know.categories.len(),
            know.purposes.len(),
            know.disclosures.len(),
            know.since.format("%Y-%m-%d")
        ),
        None => {}
    }
    Ok(())
}

/// A progress bar per dataset while a request runs, on a terminal: one
/// step per table, the table at hand beside it.
struct Bars {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl Bars {
    fn new(json: bool) -> Bars {
        let target = if json || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        Bars {
            multi: MultiProgress::with_draw_target(target),
            bars: Mutex::new(HashMap::new()),
        }
    }

    fn clear(&self) {
        let _ = self.multi.clear();
    }
}

impl Watch for Bars {
    fn started(&self, dataset: &str, tables: usize) {
        let bar = self.multi.add(ProgressBar::new(tables as u64));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {prefix:<12} [{bar:24}] {pos}/{len} tables {msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_prefix(dataset.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        self.bars
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dataset.to_owned(), bar);
    }

    fn table(&self, dataset: &str, table: &str) {
        let bars = self.bars.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(bar) = bars.get(dataset) {
            bar.inc(1);
            bar.set_message(table.to_owned());
        }
    }

    fn ended(&self, dataset: &str, result: Result<&str, &str>) {
        let bar = self
            .bars
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(dataset);
        if let Some(bar) = bar {
            bar.finish_with_message(match result {
                Ok(done) => format!("done: {done}"),
                Err(error) => format!("failed: {error}"),
            });
        }
    }
}
