//! Connecting to one of the organisation's databases from its URL, and
//! quoting identifiers for the SQL that vow builds against it.
//!
//! A [`Database`] is a small pool on one engine; it knows nothing of
//! tables or subjects (that is [`crate::catalog`] and the planner).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlDatabaseError, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{ConnectOptions, Connection, Executor};

use crate::catalog::{Engine, TableName};

/// Connections per pool: requests run one at a time per database, a few
/// connections let a request read while another step writes.
const POOL_SIZE: u32 = 4;
/// How long a first connection (and later, a free connection) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A connected database: a small pool on one engine.
#[derive(Debug, Clone)]
pub enum Database {
    Postgres(sqlx::PgPool),
    /// MariaDB or MySQL.
    Mysql(sqlx::MySqlPool),
    Sqlite(sqlx::SqlitePool),
}

/// Why [`Database::connect`] failed. Every message names the URL, with its
/// password replaced by `***`, and says what to change.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "`{url}` is not a database URL vow reads: {reason}; write postgres://user@host:5432/db, mysql://user@host:3306/db (or mariadb://), or sqlite://path/to/file.db"
    )]
    InvalidUrl { url: String, reason: String },
    #[error(
        "could not reach the {engine} server of `{url}`: {source}; check that the server is running and that the host and port are right"
    )]
    Unreachable {
        url: String,
        engine: Engine,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "the {engine} server of `{url}` refused the login: {source}; check the user name and password, and that this user may connect from here"
    )]
    LoginRefused {
        url: String,
        engine: Engine,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "the database named in `{url}` does not exist: {source}; correct its name in the URL, or create it"
    )]
    NoSuchDatabase {
        url: String,
        engine: Engine,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "there is no SQLite database at {} (from `{url}`); correct the path: vow does not create an empty database in its place",
        path.display()
    )]
    NoSuchFile { url: String, path: PathBuf },
    #[error(
        "could not connect to `{url}`: {source}; check the URL, and that this user may use the {engine} database"
    )]
    Failed {
        url: String,
        engine: Engine,
        #[source]
        source: sqlx::Error,
    },
}

impl Database {
    /// Connects to `postgres://` (or `postgresql://`), `mysql://` (or
    /// `mariadb://`) or `sqlite://path` (or `sqlite:path`) and checks that
    /// one connection opens. A SQLite file must exist: a mistyped path
    /// is an error, not a new empty database.
    pub async fn connect(url: &str) -> Result<Database, ConnectError> {
        let shown = redact(url);
        let invalid = |reason: String| ConnectError::InvalidUrl {
            url: shown.clone(),
            reason,
        };
        let (scheme, _) = url
            .split_once(':')
            .ok_or_else(|| invalid("it has no scheme".into()))?;
        let engine = match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Engine::Postgres,
            "mysql" | "mariadb" => Engine::Mysql,
            "sqlite" => Engine::Sqlite,
            other => return Err(invalid(format!("`{other}` is not a scheme vow knows"))),
        };
        let failed = |source: sqlx::Error| classify(&shown, engine, source);
        match engine {
            Engine::Postgres => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|e| invalid(e.to_string()))?
                    .application_name("vow");
                probe::<sqlx::PgConnection>(&options)
                    .await
                    .map_err(failed)?;
                let pool = PgPoolOptions::new()
                    .max_connections(POOL_SIZE)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // vow's statements find rows by key, one array of keys per
                            // column: the plan does not depend on the keys, and a
                            // custom plan (what PostgreSQL picks for an array whose
                            // length it cannot know) is planned again at every
                            // execution — most of a request's time on a partitioned
                            // table. A server older than 12 has no such setting and
                            // plans as before.
                            let _ = conn
                                .execute("SET plan_cache_mode = force_generic_plan")
                                .await;
                            Ok(())
                        })
                    })
                    .connect_lazy_with(options);
                Ok(Database::Postgres(pool))
            }
            Engine::Mysql => {
                // sqlx reads the rest of a `mariadb://` URL as it reads `mysql://`.
                let options =
                    MySqlConnectOptions::from_str(url).map_err(|e| invalid(e.to_string()))?;
                probe::<sqlx::MySqlConnection>(&options)
                    .await
                    .map_err(failed)?;
                let pool = MySqlPoolOptions::new()
                    .max_connections(POOL_SIZE)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect_lazy_with(options);
                Ok(Database::Mysql(pool))
            }
            Engine::Sqlite => {
                let options =
                    SqliteConnectOptions::from_str(url).map_err(|e| invalid(e.to_string()))?;
                let file = options.get_filename();
                if !is_in_memory(file) && !file.exists() {
                    return Err(ConnectError::NoSuchFile {
                        url: shown,
                        path: file.to_owned(),
                    });
                }
                probe::<sqlx::SqliteConnection>(&options)
                    .await
                    .map_err(failed)?;
                let pool = SqlitePoolOptions::new()
                    .max_connections(POOL_SIZE)
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect_lazy_with(options);
                Ok(Database::Sqlite(pool))
            }
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Database::Postgres(_) => Engine::Postgres,
            Database::Mysql(_) => Engine::Mysql,
            Database::Sqlite(_) => Engine::Sqlite,
        }
    }

    /// Closes every connection of the pool, waiting for those in use.
    pub async fn close(&self) {
        match self {
            Database::Postgres(pool) => pool.close().await,
            Database::Mysql(pool) => pool.close().await,
            Database::Sqlite(pool) => pool.close().await,
        }
    }
}

impl Engine {
    /// `ident` as an identifier in this engine's SQL: `"x"` for PostgreSQL
    /// and SQLite, `` `x` `` for MariaDB/MySQL, an embedded quote doubled.
    /// Always quoted, so names that are keywords or mixed case stay as they are.
    pub fn quote(self, ident: &str) -> String {
        let quote = match self {
            Engine::Postgres | Engine::Sqlite => '"',
            Engine::Mysql => '`',
        };
        let mut quoted = String::with_capacity(ident.len() + 2);
        quoted.push(quote);
        for c in ident.chars() {
            if c == quote {
                quoted.push(quote);
            }
            quoted.push(c);
        }
        quoted.push(quote);
        quoted
    }

    /// A table's name as this engine's SQL refers to it, schema-qualified
    /// when it has a schema (`"public"."customer"`, `` `customer` ``).
    pub fn quote_table(self, table: &TableName) -> String {
        match &table.schema {
            Some(schema) => format!("{}.{}", self.quote(schema), self.quote(&table.name)),
            None => self.quote(&table.name),
        }
    }
}

/// Opens and closes one connection, so that the caller hears why a
/// connection fails (a pool would retry a refused connection until its
/// timeout and report only the timeout).
async fn probe<C: Connection>(options: &C::Options) -> Result<(), sqlx::Error> {
    let connection = match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
        Ok(connection) => connection?,
        Err(_) => {
            return Err(sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {} seconds", CONNECT_TIMEOUT.as_secs()),
            )));
        }
    };
    connection.close().await
}

fn is_in_memory(file: &Path) -> bool {
    let name = file.to_string_lossy();
    name == ":memory:" || name.starts_with("file:sqlx-in-memory-")
}

/// Sorts a failed connection into what the person has to fix.
fn classify(url: &str, engine: Engine, source: sqlx::Error) -> ConnectError {
    let url = url.to_owned();
    let kind = match &source {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut => Kind::Unreachable,
        sqlx::Error::Database(e) => match engine {
            // SQLSTATE: invalid_password, invalid_authorization_specification; invalid_catalog_name.
            Engine::Postgres => match e.code().as_deref() {
                Some("28P01" | "28000") => Kind::Login,
                Some("3D000") => Kind::NoDatabase,
                _ => Kind::Other,
            },
            // ER_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR; ER_BAD_DB_ERROR.
            Engine::Mysql => match e
                .try_downcast_ref::<MySqlDatabaseError>()
                .map(|e| e.number())
            {
                Some(1045 | 1044 | 1698) => Kind::Login,
                Some(1049) => Kind::NoDatabase,
                _ => Kind::Other,
            },
            // A missing file was caught before connecting.
            Engine::Sqlite => Kind::Other,
        },
        _ => Kind::Other,
    };
    match kind {
        Kind::Unreachable => ConnectError::Unreachable {
            url,
            engine,
            source,
        },
        Kind::Login => ConnectError::LoginRefused {
            url,
            engine,
            source,
        },
        Kind::NoDatabase => ConnectError::NoSuchDatabase {
            url,
            engine,
            source,
        },
        Kind::Other => ConnectError::Failed {
            url,
            engine,
            source,
        },
    }
}

enum Kind {
    Unreachable,
    Login,
    NoDatabase,
    Other,
}

/// The URL with its password (in the user part or a `password=` parameter)
/// replaced by `***`, for messages and logs. A SQLite URL is a path, shown
/// as it is.
pub fn redact(url: &str) -> String {
    if url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("sqlite:"))
    {
        return url.to_owned();
    }
    let mut shown = url.to_owned();
    if let Some(start) = url.find("://").map(|i| i + 3) {
        let rest = &url[start..];
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        if let Some(at) = authority.rfind('@')
            && let Some(colon) = authority[..at].find(':')
        {
            shown = format!("{}***{}", &url[..start + colon + 1], &url[start + at..]);
        }
    }
    if let Some(query) = shown.find('?') {
        let (head, params) = shown.split_at(query + 1);
        let params: Vec<String> = params
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => param.to_owned(),
            })
            .collect();
        shown = format!("{head}{}", params.join("&"));
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_per_engine_doubling_embedded_quotes() {
        assert_eq!(Engine::Postgres.quote("customer"), r#""customer""#);
        assert_eq!(Engine::Sqlite.quote("Invoice Line"), r#""Invoice Line""#);
        assert_eq!(Engine::Postgres.quote(r#"a"b"#), r#""a""b""#);
        assert_eq!(Engine::Mysql.quote("order"), "`order`");
        assert_eq!(Engine::Mysql.quote("a`b\"c"), "`a``b\"c`");
        assert_eq!(Engine::Sqlite.quote(""), r#""""#);
    }

    #[test]
    fn quotes_tables_with_their_schema() {
        let public = TableName {
            schema: Some("public".into()),
            name: "customer".into(),
        };
        let bare = TableName {
            schema: None,
            name: "customer".into(),
        };
        assert_eq!(
            Engine::Postgres.quote_table(&public),
            r#""public"."customer""#
        );
        assert_eq!(Engine::Mysql.quote_table(&bare), "`customer`");
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://vow:s3cr:et@db.example:5432/shop"),
            "postgres://vow:***@db.example:5432/shop"
        );
        assert_eq!(
            redact("mysql://root@127.0.0.1/shop"),
            "mysql://root@127.0.0.1/shop"
        );
        assert_eq!(
            redact("postgres://db/shop?user=vow&password=hunter2&sslmode=require"),
            "postgres://db/shop?user=vow&password=***&sslmode=require"
        );
        assert_eq!(redact("sqlite:shop.db"), "sqlite:shop.db");
        // An `@` and `:` in a path are not a password.
        assert_eq!(redact("sqlite://a:b@c.db"), "sqlite://a:b@c.db");
    }
}
