//! Sample databases for the DSR tests, each loaded into a database of its
//! own: a fresh name per call on the local PostgreSQL and MariaDB, a file
//! in a temporary directory for SQLite. The returned [`Sample`] drops the
//! database when it goes, however the test ends. The shared `test`
//! database is never touched.
//!
//! Servers: PostgreSQL on 127.0.0.1:5432 as `postgres` (trust), MariaDB on
//! 127.0.0.1:3306 as `root` (no password); the `psql`, `mariadb` and
//! `sqlite3` clients load the files. The files are in `shared/data` next
//! to the workspace, or in `$VOW_SAMPLE_DATA`.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";
pub const MARIADB: &str = "mysql://root@127.0.0.1:3306";

/// A loaded sample: connect to `url`; the database goes with this value.
pub struct Sample {
    pub url: String,
    _cleanup: Cleanup,
}

enum Cleanup {
    Postgres(String),
    Mariadb(String),
    Dir(tempfile::TempDir),
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let dropped = match self {
            Cleanup::Postgres(name) => psql(
                "postgres",
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ),
            Cleanup::Mariadb(name) => drop_mariadb(name),
            Cleanup::Dir(_) => Ok(()),
        };
        if let Err(e) = dropped {
            // A second panic while unwinding would abort the test binary.
            if std::thread::panicking() {
                eprintln!("could not drop a test database: {e}");
            } else {
                panic!("could not drop a test database: {e}");
            }
        }
    }
}

/// Where the sample files are.
pub fn data_dir() -> PathBuf {
    match std::env::var_os("VOW_SAMPLE_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

fn read(relative: &str) -> String {
    let path = data_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A name no other test (in this process or another) uses: digits,
/// lowercase letters and underscores, so it can be spliced into SQL.
pub fn fresh_name() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "vow_t_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        &random[..8]
    )
}

/// An empty PostgreSQL database.
pub fn empty_postgres() -> Sample {
    let name = fresh_name();
    psql("postgres", &format!("CREATE DATABASE {name}")).expect("PostgreSQL on 127.0.0.1:5432");
    Sample {
        url: format!("{POSTGRES}/{name}"),
        _cleanup: Cleanup::Postgres(name),
    }
}

/// An empty MariaDB database.
pub fn empty_mariadb() -> Sample {
    let name = fresh_name();
    mariadb(&format!("CREATE DATABASE {name}")).expect("MariaDB on 127.0.0.1:3306");
    Sample {
        url: format!("{MARIADB}/{name}"),
        _cleanup: Cleanup::Mariadb(name),
    }
}

/// An empty SQLite file.
pub fn empty_sqlite() -> Sample {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("empty.db");
    std::fs::File::create(&path).expect("an empty file");
    Sample {
        url: format!("sqlite://{}", path.display()),
        _cleanup: Cleanup::Dir(dir),
    }
}

/// Pagila (PostgreSQL): 599 customers, 16,044 rentals, payments
/// partitioned by month.
pub fn pagila_postgres() -> Sample {
    let sample = empty_postgres();
    let name = database(&sample);
    let dir = data_dir().join("pagila");
    for file in ["pagila-schema.sql", "pagila-data.sql"] {
        let file = dir.join(file);
        run(
            Command::new("psql")
                .args(["-h", "127.0.0.1", "-U", "postgres", "-d", name])
                .args(["-v", "ON_ERROR_STOP=1", "-q", "-f"])
                .arg(&file),
            None,
        )
        .unwrap_or_else(|e| panic!("loading {}: {e}", file.display()));
    }
    sample
}

/// A copy of a PostgreSQL sample, a database of its own dropped with the
/// returned value. Nobody may be connected to `sample` while it is copied.
pub fn copy_postgres(sample: &Sample) -> Sample {
    let name = fresh_name();
    psql(
        "postgres",
        &format!(
            "CREATE DATABASE {name} TEMPLATE {} STRATEGY FILE_COPY",
            database(sample)
        ),
    )
    .unwrap_or_else(|e| panic!("copying {}: {e}", database(sample)));
    Sample {
        url: format!("{POSTGRES}/{name}"),
        _cleanup: Cleanup::Postgres(name),
    }
}

/// Sakila (MariaDB): the MySQL original of Pagila, with its views,
/// triggers and procedures.
pub fn sakila_mariadb() -> Sample {
    let name = fresh_name();
    // The database is named in the files themselves; the guard comes first
    // so that a load failing half-way is dropped too.
    let sample = Sample {
        url: format!("{MARIADB}/{name}"),
        _cleanup: Cleanup::Mariadb(name.clone()),
    };
    for file in ["sakila/sakila-mv-schema.sql", "sakila/sakila-mv-data.sql"] {
        let sql = read(file)
            .replace(
                "DROP SCHEMA IF EXISTS sakila;",
                &format!("DROP SCHEMA IF EXISTS {name};"),
            )
            .replace("CREATE SCHEMA sakila;", &format!("CREATE SCHEMA {name};"))
            .replace("USE sakila;", &format!("USE {name};"))
            // The views name their tables `sakila.film`.
            .replace(" sakila.", &format!(" {name}."));
        load_mariadb(sql).unwrap_or_else(|e| panic!("loading {file}: {e}"));
    }
    sample
}

/// Chinook (SQLite): 59 customers, 412 invoices, employees who support
/// customers and report to each other.
pub fn chinook_sqlite() -> Sample {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("chinook.db");
    let sql = read("chinook/Chinook_Sqlite.sql");
    run(Command::new("sqlite3").arg(&path), Some(sql)).expect("loading Chinook_Sqlite.sql");
    Sample {
        url: format!("sqlite://{}", path.display()),
        _cleanup: Cleanup::Dir(dir),
    }
}

/// Chinook (PostgreSQL), in snake case (`customer.support_rep_id`).
pub fn chinook_postgres() -> Sample {
    let sample = empty_postgres();
    let name = database(&sample);
    // The file creates and connects to `chinook`; the database exists already.
    let sql = read("chinook/Chinook_PostgreSql.sql")
        .replace("DROP DATABASE IF EXISTS chinook;", "")
        .replace("CREATE DATABASE chinook;", "")
        .replace("\\c chinook;", "");
    run(
        Command::new("psql")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-d", name])
            .args(["-v", "ON_ERROR_STOP=1", "-q"]),
        Some(sql),
    )
    .expect("loading Chinook_PostgreSql.sql");
    sample
}

/// Chinook (MariaDB).
pub fn chinook_mariadb() -> Sample {
    let sample = empty_mariadb();
    let name = database(&sample).to_owned();
    let sql = read("chinook/Chinook_MySql.sql")
        .replace("DROP DATABASE IF EXISTS `Chinook`;", "")
        .replace("CREATE DATABASE `Chinook`;", "")
        .replace("USE `Chinook`;", &format!("USE {name};"));
    load_mariadb(sql).expect("loading Chinook_MySql.sql");
    sample
}

/// The database's name: the URL's last segment.
fn database(sample: &Sample) -> &str {
    sample.url.rsplit('/').next().expect("a URL with a path")
}

fn psql(database: &str, sql: &str) -> Result<(), String> {
    run(
        Command::new("psql")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-d", database])
            .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql]),
        None,
    )
}

fn mariadb(sql: &str) -> Result<(), String> {
    run(
        Command::new("mariadb").args(["-h", "127.0.0.1", "-u", "root", "-e", sql]),
        None,
    )
}

/// Drops a MariaDB database even while connections to it are still open
/// (a test that panicked leaves its pool behind): those connections are
/// killed first, and the drop waits for locks at most 30 s, never forever.
fn drop_mariadb(name: &str) -> Result<(), String> {
    let ids = Command::new("mariadb")
        .args(["-h", "127.0.0.1", "-u", "root", "-N", "-e"])
        .arg(format!(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '{name}' AND ID <> CONNECTION_ID()"
        ))
        .output()
        .map_err(|e| format!("running mariadb: {e}"))?;
    let kills: String = String::from_utf8_lossy(&ids.stdout)
        .split_whitespace()
        .map(|id| format!("KILL CONNECTION {id};"))
        .collect();
    mariadb(&format!(
        "SET SESSION lock_wait_timeout = 30; {kills} DROP DATABASE IF EXISTS {name}"
    ))
}

fn load_mariadb(sql: String) -> Result<(), String> {
    run(
        Command::new("mariadb").args(["-h", "127.0.0.1", "-u", "root"]),
        Some(sql),
    )
}

/// Runs a client, feeding it `stdin`; its error output is the error.
fn run(command: &mut Command, stdin: Option<String>) -> Result<(), String> {
    let mut child = command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{:?}: {e}", command.get_program()))?;
    // Written from another thread, so that a client filling its error
    // output cannot block us while we block it.
    let writer = stdin.map(|sql| {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        std::thread::spawn(move || pipe.write_all(sql.as_bytes()))
    });
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if let Some(writer) = writer {
        // A client that stops at an error closes its input early: its
        // error output says more than the broken pipe.
        let _ = writer.join();
    }
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{:?} failed ({}): {}",
            command.get_program(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Runs statements (several, separated by `;`) on a connected database.
pub async fn execute(db: &vow_dsr::Database, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    let done = match db {
        vow_dsr::Database::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
        vow_dsr::Database::Mysql(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
        vow_dsr::Database::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
    };
    done.unwrap_or_else(|e| panic!("{e}"));
}
