//! `vow serve`: open the store, put the policy in force, make sure an admin
//! key exists, listen, keep in step with other processes (`sync.rs`), and
//! stop gracefully (in-flight requests finish, the store's writer drains).

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::Utc;
use tokio::net::TcpListener;
use vow_store::{AnyStore, LedgerKey, Store};

use crate::auth::{self, KeyRing, Scope};
use crate::cache::SubjectCache;
use crate::config::{Config, Database, LogFormat};
use crate::runtime::{self, LoadError};
use crate::state::{AppState, Limits, RequestSetup, Shared};

/// The example policy `vow serve` starts with when given none (seed 003:
/// a small course shop in Paris, with its cookie table).
pub const EXAMPLE_POLICY: &str = include_str!("../../../examples/course-shop/policy.yaml");

/// Why `vow serve` could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the policy {path} has errors")]
    Policy {
        path: PathBuf,
        report: Box<vow_policy::Report>,
    },
    #[error("{0}")]
    Setup(String),
    #[error("the store: {0}")]
    Store(#[from] vow_store::StoreError),
}

/// What a started server tells whoever started it.
#[derive(Debug, Clone)]
pub struct Started {
    pub url: String,
    pub policy_path: PathBuf,
    pub policy_id: String,
    pub policy_version: String,
    pub database: String,
    /// The admin key, created on first start only.
    pub admin_token: Option<String>,
    /// The example policy was written to the data directory just now.
    pub example_written: bool,
}

/// Sets up logging on stderr (once per process).
pub fn init_logging(format: LogFormat, filter: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Whether opening a store may create it (and its ledger key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// `vow serve`: a first start makes the store and its key.
    Yes,
    /// Every other command: a store that is not there is an error, and a
    /// verifier without the ledger's own key cannot vouch for it.
    No,
}

/// Opens the store the configuration names, with its ledger key.
pub async fn open_store(config: &Config, create: Create) -> Result<AnyStore, ServeError> {
    let database = match &config.database {
        Database::Sqlite(path) => {
            if create == Create::No && !path.exists() {
                return Err(ServeError::Setup(format!(
                    "no store at {}: start `vow serve` first, or pass --data-dir or --database",
                    path.display()
                )));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    ServeError::Setup(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            path.display().to_string()
        }
        Database::Postgres(url) => url.clone(),
    };
    let key = ledger_key(config, create)?;
    AnyStore::open(&database, key)
        .await
        .map_err(|e| ServeError::Setup(format!("cannot open {}: {e}", config.database.describe())))
}

/// The ledger key: the file a flag, variable or `vow.toml` names, else
/// `VOW_LEDGER_KEY`, else `<data_dir>/ledger.key` (created by a first
/// `vow serve`).
pub fn ledger_key(config: &Config, create: Create) -> Result<LedgerKey, ServeError> {
    let key_error = |path: &Path, e: vow_store::KeyError| {
        ServeError::Setup(format!("ledger key {}: {e}", path.display()))
    };
    if let Some(path) = &config.ledger_key_file {
        return LedgerKey::load(path).map_err(|e| key_error(path, e));
    }
    if let Ok(hex) = std::env::var("VOW_LEDGER_KEY") {
        return LedgerKey::from_hex(hex.trim())
            .map_err(|e| ServeError::Setup(format!("VOW_LEDGER_KEY is not a ledger key: {e}")));
    }
    let path = config.key_file();
    if create == Create::No {
        if !path.exists() {
            return Err(ServeError::Setup(format!(
                "no ledger key at {}: pass --ledger-key-file or set VOW_LEDGER_KEY to the key the ledger was sealed with",
                path.display()
            )));
        }
        return LedgerKey::load(&path).map_err(|e| key_error(&path, e));
    }
    if matches!(config.database, Database::Postgres(_)) && !path.exists() {
        tracing::warn!(
            path = %path.display(),
            "a new ledger key is being created for a PostgreSQL store: every vow process sharing it needs the same key (copy the file, or set VOW_LEDGER_KEY)"
        );
    }
    LedgerKey::load_or_create(&path).map_err(|e| key_error(&path, e))
}

/// Holds `<data_dir>/vow.lock` so that two servers never share a SQLite store.
fn lock_data_dir(dir: &Path) -> Result<File, ServeError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| ServeError::Setup(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join("vow.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| ServeError::Setup(format!("cannot open {}: {e}", path.display())))?;
    file.try_lock().map_err(|_| {
        ServeError::Setup(format!(
            "another `vow serve` is using {} (it holds {}); stop it, or give this one another --data-dir",
            dir.display(),
            path.display()
        ))
    })?;
    Ok(file)
}

/// The policy file to run, writing the example on first start.
pub fn policy_path(config: &Config) -> Result<(PathBuf, bool), ServeError> {
    if let Some(path) = &config.policy {
        return Ok((path.clone(), false));
    }
    let path = config.data_dir.join("policy.yaml");
    if path.exists() {
        return Ok((path, false));
    }
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        ServeError::Setup(format!("cannot create {}: {e}", config.data_dir.display()))
    })?;
    // The example's schema comment points into the repository; drop it.
    let text: String = EXAMPLE_POLICY
        .lines()
        .skip_while(|l| l.starts_with("# yaml-language-server"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, text)
        .map_err(|e| ServeError::Setup(format!("cannot write {}: {e}", path.display())))?;
    Ok((path, true))
}

/// Everything before listening: the store, the policy, the keys.
pub async fn prepare(config: &Config) -> Result<(AppState, Started), ServeError> {
    let (path, example_written) = policy_path(config)?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ServeError::Setup(format!("cannot read the policy {}: {e}", path.display()))
    })?;
    let store = open_store(config, Create::Yes).await?;
    let policy = match runtime::load(&store, &path.display().to_string(), &text).await {
        Ok(p) => p,
        Err(LoadError::Invalid(report)) => {
            store.close().await;
            return Err(ServeError::Policy { path, report });
        }
        Err(LoadError::Store(e)) => {
            store.close().await;
            return Err(e.into());
        }
    };
    for r in &policy.reconsent {
        tracing::info!(purpose = %r.purpose, before = %r.before, version = %r.version, "consents given before this date will be asked again: the purpose changed materially");
    }
    let keys = KeyRing::default();
    let mut records = store.keys().await?;
    let mut admin_token = None;
    if records.is_empty() {
        let admin = auth::generate("admin (first start)", &[Scope::Admin], Utc::now());
        store.create_key(admin.record.clone()).await?;
        records.push(admin.record);
        admin_token = Some(admin.token);
    }
    keys.load(&records);
    let started = Started {
        url: String::new(),
        policy_path: path,
        policy_id: policy.policy().policy.id.to_string(),
        policy_version: policy.version().to_owned(),
        database: config.database.describe(),
        admin_token,
        example_written,
    };
    // From now on, whatever this process appends — the API, the centre,
    // the request desk — reaches the cache before the append returns.
    let subjects = Arc::new(SubjectCache::new(config.state_cache));
    store.observe(subjects.clone());
    let state = AppState::new(Shared {
        store,
        policy: Arc::new(policy),
        subjects,
        keys,
        requests: RequestSetup {
            targets: crate::desk::targets(config)?,
            hash_key: crate::desk::hash_key(&ledger_key(config, Create::Yes)?),
            mailer: crate::desk::mailer(config)?,
        },
        unsubscribe: crate::unsubscribe::Links::new(
            &ledger_key(config, Create::Yes)?,
            &config.public_url,
        ),
        centre: crate::centre::Centre::new(
            &ledger_key(config, Create::Yes)?,
            &config.public_url,
            config.sign_in_limits,
        ),
        identities: vow_store::IdentityKey::new(&ledger_key(config, Create::Yes)?),
        limits: Limits {
            body: config.body_limit,
            timeout: config.request_timeout,
            batch: config.max_batch,
            ..Limits::default()
        },
        metrics: crate::metrics_handle(),
        ready: Default::default(),
    });
    Ok((state, started))
}

/// Runs the server until `shutdown` completes. `on_start` hears where it
/// listens (and the admin key on first start) once it accepts connections.
pub async fn serve(
    config: Config,
    on_start: impl FnOnce(&Started),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let _lock = match config.database {
        Database::Sqlite(_) => Some(lock_data_dir(&config.data_dir)?),
        Database::Postgres(_) => None,
    };
    let (state, mut started) = prepare(&config).await?;
    let listener = TcpListener::bind(config.bind).await.map_err(|e| {
        ServeError::Setup(format!(
            "cannot listen on {}: {e}; pick another address with --bind",
            config.bind
        ))
    })?;
    let local: SocketAddr = listener
        .local_addr()
        .map_err(|e| ServeError::Setup(e.to_string()))?;
    started.url = format!("http://{local}");
    let sync = crate::sync::start(state.clone(), &config).await;
    state.ready.store(true, Ordering::Release);
    tracing::info!(url = %started.url, policy = %started.policy_id, version = %started.policy_version, store = %started.database, "vow is serving");
    on_start(&started);
    let result = axum::serve(
        listener,
        crate::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    state.ready.store(false, Ordering::Release);
    sync.abort();
    state.store.close().await;
    tracing::info!("vow stopped");
    result.map_err(|e| ServeError::Setup(format!("the server failed: {e}")))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
