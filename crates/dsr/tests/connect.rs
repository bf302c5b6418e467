//! Connecting from a URL, against the real servers: each engine, and each
//! way a connection fails, with a message that names the URL (never its
//! password) and what to fix.

mod common;

use vow_dsr::{CatalogError, ConnectError, Database, Engine, catalog};

async fn refused(url: &str) -> ConnectError {
    match Database::connect(url).await {
        Ok(db) => panic!("{url} connected to {:?}", db.engine()),
        Err(e) => e,
    }
}

#[tokio::test]
async fn connects_to_each_engine() {
    let postgres = common::empty_postgres();
    let mariadb = common::empty_mariadb();
    let sqlite = common::empty_sqlite();
    let as_mariadb = mariadb.url.replacen("mysql://", "mariadb://", 1);
    let as_postgresql = postgres.url.replacen("postgres://", "postgresql://", 1);
    let as_sqlite_path = sqlite.url.replacen("sqlite://", "sqlite:", 1);
    for (url, engine) in [
        (&postgres.url, Engine::Postgres),
        (&as_postgresql, Engine::Postgres),
        (&mariadb.url, Engine::Mysql),
        (&as_mariadb, Engine::Mysql),
        (&sqlite.url, Engine::Sqlite),
        (&as_sqlite_path, Engine::Sqlite),
    ] {
        let db = Database::connect(url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(db.engine(), engine, "{url}");
        let catalog = catalog::read(&db).await.unwrap();
        assert!(catalog.tables.is_empty(), "{url}");
        db.close().await;
    }
}

#[tokio::test]
async fn an_unreachable_server_is_named_without_its_password() {
    let url = "postgres://vow:hunter2@127.0.0.1:1/shop";
    let e = refused(url).await;
    assert!(
        matches!(
            e,
            ConnectError::Unreachable {
                engine: Engine::Postgres,
                ..
            }
        ),
        "{e:?}"
    );
    let message = e.to_string();
    assert!(
        message.contains("postgres://vow:***@127.0.0.1:1/shop"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
    assert!(
        message.contains("check that the server is running"),
        "{message}"
    );

    let e = refused("mysql://root:hunter2@127.0.0.1:1/shop").await;
    assert!(
        matches!(
            e,
            ConnectError::Unreachable {
                engine: Engine::Mysql,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!e.to_string().contains("hunter2"));
}

#[tokio::test]
async fn a_missing_database_is_named() {
    let name = common::fresh_name();
    for (url, engine) in [
        (format!("{}/{name}", common::POSTGRES), Engine::Postgres),
        (format!("{}/{name}", common::MARIADB), Engine::Mysql),
    ] {
        let e = refused(&url).await;
        match &e {
            ConnectError::NoSuchDatabase {
                engine: found,
                url: shown,
                ..
            } => {
                assert_eq!((*found, shown), (engine, &url));
            }
            other => panic!("{url}: {other:?}"),
        }
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}

#[tokio::test]
async fn a_missing_sqlite_file_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let url = format!("sqlite://{}", path.display());
    let e = refused(&url).await;
    assert!(
        matches!(&e, ConnectError::NoSuchFile { path: p, .. } if *p == path),
        "{e:?}"
    );
    assert!(e.to_string().contains("correct the path"), "{e}");
    assert!(!path.exists());
}

#[tokio::test]
async fn a_refused_login_says_so() {
    for (url, engine) in [
        (
            "postgres://vow_no_such_role@127.0.0.1:5432/postgres",
            Engine::Postgres,
        ),
        (
            "mysql://vow_no_such_user:secret@127.0.0.1:3306/mysql",
            Engine::Mysql,
        ),
    ] {
        let e = refused(url).await;
        assert!(
            matches!(&e, ConnectError::LoginRefused { engine: found, .. } if *found == engine),
            "{url}: {e:?}"
        );
        assert!(
            e.to_string().contains("check the user name and password"),
            "{e}"
        );
        assert!(!e.to_string().contains("secret"), "{e}");
    }
}

#[tokio::test]
async fn an_unknown_url_is_refused_with_the_forms_vow_reads() {
    for url in ["oracle://scott:tiger@db/orcl", "shop.db"] {
        let e = refused(url).await;
        assert!(matches!(e, ConnectError::InvalidUrl { .. }), "{url}: {e:?}");
        let message = e.to_string();
        assert!(message.contains("sqlite://path/to/file.db"), "{message}");
        assert!(!message.contains("tiger"), "{message}");
    }
}

#[tokio::test]
async fn a_mariadb_url_without_a_database_has_no_catalogue() {
    let db = Database::connect(common::MARIADB).await.unwrap();
    let e = catalog::read(&db).await.unwrap_err();
    assert!(matches!(e, CatalogError::NoDatabaseSelected), "{e:?}");
    assert!(e.to_string().contains("add the database to the URL"), "{e}");
}
