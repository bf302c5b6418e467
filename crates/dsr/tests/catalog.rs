//! The catalogue read from the real servers: the sample databases (Pagila
//! on PostgreSQL, Sakila on MariaDB, Chinook on all three) and small
//! schemas made for the cases they lack.

mod common;

use common::Sample;
use vow_dsr::{
    Catalog, Column, ColumnKind, Database, Engine, ForeignKey, ReferentialAction, Table, TableName,
    catalog,
};

use ReferentialAction::{Cascade, NoAction, Restrict, SetDefault, SetNull};

async fn read(sample: &Sample) -> (Database, Catalog) {
    let db = Database::connect(&sample.url).await.expect("connect");
    let catalog = catalog::read(&db).await.expect("read the catalogue");
    (db, catalog)
}

fn public(name: &str) -> TableName {
    TableName {
        schema: Some("public".into()),
        name: name.into(),
    }
}

fn bare(name: &str) -> TableName {
    TableName {
        schema: None,
        name: name.into(),
    }
}

fn table<'a>(catalog: &'a Catalog, name: &TableName) -> &'a Table {
    catalog.table(name).unwrap_or_else(|| {
        panic!(
            "no table {name:?} in {:?}",
            catalog.tables.iter().map(|t| &t.name).collect::<Vec<_>>()
        )
    })
}

fn column<'a>(table: &'a Table, name: &str) -> &'a Column {
    table
        .column(name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", table.name))
}

/// The foreign key on exactly these columns.
fn fk<'a>(table: &'a Table, columns: &[&str]) -> &'a ForeignKey {
    let found: Vec<_> = table
        .foreign_keys
        .iter()
        .filter(|k| k.columns == columns)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{:?}: keys on {columns:?}: {found:?}",
        table.name
    );
    found[0]
}

fn names(catalog: &Catalog) -> Vec<&str> {
    catalog
        .tables
        .iter()
        .map(|t| t.name.name.as_str())
        .collect()
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

fn assert_kind(table: &Table, name: &str, data_type: &str, kind: ColumnKind) {
    let c = column(table, name);
    assert_eq!(
        (c.data_type.as_str(), &c.kind),
        (data_type, &kind),
        "{name}"
    );
}

mod pagila {
    use super::*;

    #[tokio::test]
    async fn lists_each_table_once_and_no_partition_or_view() {
        let sample = common::pagila_postgres();
        let (_db, catalog) = read(&sample).await;
        assert_eq!(catalog.engine, Engine::Postgres);
        assert_eq!(
            names(&catalog),
            [
                "actor",
                "address",
                "category",
                "city",
                "country",
                "customer",
                "film",
                "film_actor",
                "film_category",
                "inventory",
                "language",
                "payment",
                "rental",
                "staff",
                "store"
            ]
        );
        assert!(
            catalog
                .tables
                .iter()
                .all(|t| t.name.schema.as_deref() == Some("public"))
        );
        let partitioned: Vec<_> = catalog
            .tables
            .iter()
            .filter(|t| t.partitioned)
            .map(|t| t.name.name.as_str())
            .collect();
        assert_eq!(partitioned, ["payment"]);
        let payment = table(&catalog, &public("payment"));
        assert_eq!(payment.primary_key, ["payment_date", "payment_id"]);
        assert_eq!(
            table(&catalog, &public("film_actor")).primary_key,
            ["actor_id", "film_id"]
        );
    }

    #[tokio::test]
    async fn foreign_keys_keep_their_rules() {
        let sample = common::pagila_postgres();
        let (_db, catalog) = read(&sample).await;

        let rental = table(&catalog, &public("rental"));
        let to_customer = fk(rental, &["customer_id"]);
        assert_eq!(to_customer.name.as_deref(), Some("rental_customer_id_fkey"));
        assert_eq!(to_customer.references, public("customer"));
        assert_eq!(to_customer.referenced_columns, ["customer_id"]);
        assert_eq!(
            (to_customer.on_delete, to_customer.on_update),
            (Restrict, Cascade)
        );
        assert_eq!(
            rental
                .foreign_keys
                .iter()
                .map(|k| k.columns[0].as_str())
                .collect::<Vec<_>>(),
            ["customer_id", "inventory_id", "staff_id"],
            "sorted by column"
        );

        // Pagila declares payment's keys on each monthly partition (but the
        // last), not on `payment`: they are lifted onto it, once each.
        let payment = table(&catalog, &public("payment"));
        assert_eq!(payment.foreign_keys.len(), 3, "{:?}", payment.foreign_keys);
        for (column, parent) in [
            ("customer_id", "customer"),
            ("rental_id", "rental"),
            ("staff_id", "staff"),
        ] {
            let key = fk(payment, &[column]);
            assert_eq!(key.references, public(parent));
            assert_eq!(key.referenced_columns, [column]);
            assert_eq!((key.on_delete, key.on_update), (NoAction, NoAction));
            assert_eq!(
                key.name.as_deref(),
                Some(format!("payment_p2022_01_{column}_fkey").as_str())
            );
        }

        let customer = table(&catalog, &public("customer"));
        assert_eq!(fk(customer, &["address_id"]).references, public("address"));
        assert_eq!(fk(customer, &["store_id"]).on_delete, Restrict);
        let staff = table(&catalog, &public("staff"));
        assert_eq!(fk(staff, &["store_id"]).on_delete, NoAction);
        // Two keys from film into language.
        let film = table(&catalog, &public("film"));
        assert_eq!(
            fk(film, &["original_language_id"]).references,
            public("language")
        );
        assert_eq!(fk(film, &["language_id"]).references, public("language"));
    }

    #[tokio::test]
    async fn column_kinds_types_and_defaults() {
        let sample = common::pagila_postgres();
        let (_db, catalog) = read(&sample).await;

        let customer = table(&catalog, &public("customer"));
        let order: Vec<_> = customer.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            order,
            [
                "customer_id",
                "store_id",
                "first_name",
                "last_name",
                "email",
                "address_id",
                "activebool",
                "create_date",
                "last_update",
                "active"
            ]
        );
        assert_kind(customer, "customer_id", "integer", ColumnKind::Integer);
        assert_kind(customer, "email", "text", ColumnKind::Text);
        assert_kind(customer, "activebool", "boolean", ColumnKind::Boolean);
        assert_kind(customer, "create_date", "date", ColumnKind::Date);
        assert_kind(
            customer,
            "last_update",
            "timestamp with time zone",
            ColumnKind::Timestamp,
        );
        let id = column(customer, "customer_id");
        assert_eq!(
            (id.nullable, id.default.as_deref(), id.generated),
            (
                false,
                Some("nextval('customer_customer_id_seq'::regclass)"),
                false
            )
        );
        assert!(column(customer, "email").nullable);
        assert_eq!(
            column(customer, "activebool").default.as_deref(),
            Some("true")
        );

        let film = table(&catalog, &public("film"));
        assert_kind(
            film,
            "rating",
            "mpaa_rating",
            ColumnKind::Enum(strings(&["G", "PG", "PG-13", "R", "NC-17"])),
        );
        assert_eq!(
            column(film, "rating").default.as_deref(),
            Some("'G'::mpaa_rating")
        );
        assert_kind(film, "fulltext", "tsvector", ColumnKind::Other);
        assert_kind(film, "special_features", "text[]", ColumnKind::Other);
        // `year` is a domain over integer.
        assert_kind(film, "release_year", "year", ColumnKind::Integer);
        assert_kind(film, "rental_rate", "numeric(4,2)", ColumnKind::Decimal);
        assert_kind(film, "length", "smallint", ColumnKind::Integer);

        assert_kind(
            table(&catalog, &public("staff")),
            "picture",
            "bytea",
            ColumnKind::Binary,
        );
        let language = table(&catalog, &public("language"));
        assert_kind(language, "name", "character(20)", ColumnKind::Text);
        assert_eq!(column(language, "name").max_length, Some(20));
        assert_eq!(column(customer, "email").max_length, None);
    }

    #[tokio::test]
    async fn estimates_rows_once_analysed() {
        let sample = common::pagila_postgres();
        let db = Database::connect(&sample.url).await.unwrap();
        common::execute(&db, "ANALYZE").await;
        let catalog = catalog::read(&db).await.unwrap();
        assert_eq!(
            table(&catalog, &public("customer")).estimated_rows,
            Some(599)
        );
        assert_eq!(
            table(&catalog, &public("rental")).estimated_rows,
            Some(16044)
        );
        // The sum of its partitions'.
        assert_eq!(
            table(&catalog, &public("payment")).estimated_rows,
            Some(16049)
        );
    }
}

mod sakila {
    use super::*;

    #[tokio::test]
    async fn lists_base_tables_not_views() {
        let sample = common::sakila_mariadb();
        // InnoDB samples its statistics in the background after a load, so
        // the estimate just after it can be far off (3,667 of 16,044 seen
        // once under load): analysed, it is near.
        let db = Database::connect(&sample.url).await.unwrap();
        common::execute(&db, "ANALYZE TABLE rental").await;
        db.close().await;
        let (_db, catalog) = read(&sample).await;
        assert_eq!(catalog.engine, Engine::Mysql);
        assert_eq!(
            names(&catalog),
            [
                "actor",
                "address",
                "category",
                "city",
                "country",
                "customer",
                "film",
                "film_actor",
                "film_category",
                "film_text",
                "inventory",
                "language",
                "payment",
                "rental",
                "staff",
                "store"
            ]
        );
        assert!(
            catalog
                .tables
                .iter()
                .all(|t| t.name.schema.is_none() && !t.partitioned)
        );
        // InnoDB's estimate: near, not exact.
        let rentals = table(&catalog, &bare("rental"))
            .estimated_rows
            .expect("an estimate");
        assert!((10_000..25_000).contains(&rentals), "{rentals}");
        assert_eq!(
            table(&catalog, &bare("payment")).primary_key,
            ["payment_id"]
        );
        assert_eq!(
            table(&catalog, &bare("film_actor")).primary_key,
            ["actor_id", "film_id"]
        );
    }

    #[tokio::test]
    async fn foreign_keys_keep_their_rules() {
        let sample = common::sakila_mariadb();
        let (_db, catalog) = read(&sample).await;

        let rental = table(&catalog, &bare("rental"));
        let to_customer = fk(rental, &["customer_id"]);
        assert_eq!(to_customer.name.as_deref(), Some("fk_rental_customer"));
        assert_eq!(to_customer.references, bare("customer"));
        assert_eq!(to_customer.referenced_columns, ["customer_id"]);
        assert_eq!(
            (to_customer.on_delete, to_customer.on_update),
            (Restrict, Cascade)
        );

        let payment = table(&catalog, &bare("payment"));
        let to_rental = fk(payment, &["rental_id"]);
        assert_eq!(to_rental.references, bare("rental"));
        assert_eq!(
            (to_rental.on_delete, to_rental.on_update),
            (SetNull, Cascade)
        );
        assert!(column(payment, "rental_id").nullable);
        assert_eq!(fk(payment, &["customer_id"]).on_delete, Restrict);

        // Staff and stores refer to each other.
        let store = table(&catalog, &bare("store"));
        assert_eq!(fk(store, &["manager_staff_id"]).references, bare("staff"));
        let staff = table(&catalog, &bare("staff"));
        assert_eq!(fk(staff, &["store_id"]).references, bare("store"));
        // film_text is filled by triggers, with no key.
        assert!(table(&catalog, &bare("film_text")).foreign_keys.is_empty());
    }

    #[tokio::test]
    async fn column_kinds_types_and_defaults() {
        let sample = common::sakila_mariadb();
        let (_db, catalog) = read(&sample).await;

        let customer = table(&catalog, &bare("customer"));
        assert_kind(customer, "active", "tinyint(1)", ColumnKind::Boolean);
        assert_eq!(column(customer, "active").default.as_deref(), Some("1"));
        assert_kind(
            customer,
            "customer_id",
            "smallint(5) unsigned",
            ColumnKind::Integer,
        );
        assert_kind(
            customer,
            "store_id",
            "tinyint(3) unsigned",
            ColumnKind::Integer,
        );
        assert_kind(customer, "create_date", "datetime", ColumnKind::Timestamp);
        assert_kind(customer, "last_update", "timestamp", ColumnKind::Timestamp);
        let email = column(customer, "email");
        assert_eq!(
            (
                &email.kind,
                email.nullable,
                email.max_length,
                email.default.as_deref()
            ),
            (&ColumnKind::Text, true, Some(50), None)
        );

        let film = table(&catalog, &bare("film"));
        assert_kind(
            film,
            "rating",
            "enum('G','PG','PG-13','R','NC-17')",
            ColumnKind::Enum(strings(&["G", "PG", "PG-13", "R", "NC-17"])),
        );
        assert_eq!(column(film, "rating").default.as_deref(), Some("'G'"));
        assert_eq!(column(film, "rating").max_length, None);
        assert_kind(
            film,
            "special_features",
            "set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes')",
            ColumnKind::Other,
        );
        assert_kind(film, "release_year", "year(4)", ColumnKind::Integer);
        assert_kind(film, "rental_rate", "decimal(4,2)", ColumnKind::Decimal);
        assert_kind(film, "description", "text", ColumnKind::Text);
        assert_kind(
            table(&catalog, &bare("staff")),
            "picture",
            "blob",
            ColumnKind::Binary,
        );
        assert!(
            catalog
                .tables
                .iter()
                .flat_map(|t| &t.columns)
                .all(|c| !c.generated)
        );
    }
}

mod chinook {
    use super::*;

    #[tokio::test]
    async fn sqlite_keys_and_the_self_reference() {
        let sample = common::chinook_sqlite();
        let (_db, catalog) = read(&sample).await;
        assert_eq!(catalog.engine, Engine::Sqlite);
        assert_eq!(
            names(&catalog),
            [
                "Album",
                "Artist",
                "Customer",
                "Employee",
                "Genre",
                "Invoice",
                "InvoiceLine",
                "MediaType",
                "Playlist",
                "PlaylistTrack",
                "Track"
            ]
        );
        let invoice = table(&catalog, &bare("Invoice"));
        let to_customer = fk(invoice, &["CustomerId"]);
        assert_eq!(
            (
                &to_customer.references,
                to_customer.referenced_columns.as_slice()
            ),
            (&bare("Customer"), ["CustomerId".to_owned()].as_slice())
        );
        assert_eq!(
            (to_customer.on_delete, to_customer.on_update),
            (NoAction, NoAction)
        );
        assert_eq!(to_customer.name, None);
        let customer = table(&catalog, &bare("Customer"));
        assert_eq!(fk(customer, &["SupportRepId"]).references, bare("Employee"));
        let employee = table(&catalog, &bare("Employee"));
        let boss = fk(employee, &["ReportsTo"]);
        assert_eq!(
            (&boss.references, boss.referenced_columns.as_slice()),
            (&bare("Employee"), ["EmployeeId".to_owned()].as_slice())
        );
        assert_eq!(
            table(&catalog, &bare("PlaylistTrack")).primary_key,
            ["PlaylistId", "TrackId"]
        );
        assert!(catalog.tables.iter().all(|t| t.estimated_rows.is_none()));
    }

    #[tokio::test]
    async fn sqlite_column_kinds() {
        let sample = common::chinook_sqlite();
        let (_db, catalog) = read(&sample).await;
        let customer = table(&catalog, &bare("Customer"));
        assert_kind(customer, "CustomerId", "INTEGER", ColumnKind::Integer);
        assert_kind(customer, "FirstName", "NVARCHAR(40)", ColumnKind::Text);
        assert_eq!(column(customer, "FirstName").max_length, Some(40));
        assert!(!column(customer, "CustomerId").nullable);
        assert!(column(customer, "Company").nullable);
        assert!(!column(customer, "Email").nullable);
        let invoice = table(&catalog, &bare("Invoice"));
        assert_kind(invoice, "Total", "NUMERIC(10,2)", ColumnKind::Decimal);
        assert_kind(invoice, "InvoiceDate", "DATETIME", ColumnKind::Timestamp);
        assert_eq!(column(invoice, "Total").max_length, None);
    }

    /// The same schema on the three engines reads as the same graph.
    #[tokio::test]
    async fn reads_alike_on_every_engine() {
        let samples = [
            common::chinook_sqlite(),
            common::chinook_postgres(),
            common::chinook_mariadb(),
        ];
        let mut graphs = Vec::new();
        for sample in &samples {
            let (_db, catalog) = read(sample).await;
            // `InvoiceLine`, `invoice_line`: one spelling.
            let plain = |s: &str| s.replace('_', "").to_lowercase();
            let mut edges: Vec<(String, String, String, String)> = catalog
                .tables
                .iter()
                .flat_map(|t| {
                    t.foreign_keys.iter().map(|k| {
                        (
                            plain(&t.name.name),
                            plain(&k.columns.join(",")),
                            plain(&k.references.name),
                            plain(&k.referenced_columns.join(",")),
                        )
                    })
                })
                .collect();
            edges.sort();
            let kinds: Vec<(String, ColumnKind)> = catalog
                .tables
                .iter()
                .flat_map(|t| {
                    t.columns.iter().map(|c| {
                        (
                            plain(&format!("{}.{}", t.name.name, c.name)),
                            c.kind.clone(),
                        )
                    })
                })
                .collect();
            graphs.push((catalog.tables.len(), edges, kinds));
        }
        assert_eq!(graphs[0].0, 11);
        assert_eq!(graphs[0].1.len(), 11);
        assert!(graphs[0].1.contains(&(
            "employee".into(),
            "reportsto".into(),
            "employee".into(),
            "employeeid".into()
        )));
        assert_eq!(graphs[0], graphs[1], "SQLite and PostgreSQL");
        assert_eq!(graphs[0], graphs[2], "SQLite and MariaDB");
    }
}

/// What the samples lack: generated and identity columns, composite keys,
/// other schemas, keys to partitioned tables, odd names.
mod made {
    use super::*;

    #[tokio::test]
    async fn postgres() {
        let sample = common::empty_postgres();
        let db = Database::connect(&sample.url).await.unwrap();
        let odd = Engine::Postgres.quote(r#"Order "Line""#);
        common::execute(
            &db,
            &format!(
                r#"
            CREATE SCHEMA crm;
            CREATE DOMAIN email_text AS varchar(80);
            CREATE DOMAIN work_email AS email_text CHECK (VALUE LIKE '%@%');
            CREATE TABLE crm.person (
                id int GENERATED ALWAYS AS IDENTITY,
                region text NOT NULL,
                email work_email,
                email_lower text GENERATED ALWAYS AS (lower(email)) STORED,
                profile jsonb,
                token uuid,
                PRIMARY KEY (region, id)
            );
            CREATE TABLE public.orders (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                person_region text,
                person_id int,
                placed_at timestamptz NOT NULL DEFAULT now(),
                FOREIGN KEY (person_id, person_region) REFERENCES crm.person (id, region)
                    ON DELETE SET NULL ON UPDATE SET DEFAULT
            );
            CREATE TABLE public.events (
                at date NOT NULL,
                order_id bigint REFERENCES public.orders ON DELETE CASCADE
            ) PARTITION BY RANGE (at);
            CREATE TABLE public.events_2026 PARTITION OF public.events
                FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
            CREATE TABLE public.events_2027 PARTITION OF public.events
                FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
            ALTER TABLE public.events_2026 ADD UNIQUE (at);
            CREATE TABLE public.event_notes (
                at date NOT NULL,
                note text,
                FOREIGN KEY (at) REFERENCES public.events_2026 (at)
            );
            CREATE TABLE public.{odd} (x int);
            CREATE VIEW public.order_view AS SELECT * FROM public.orders;
            CREATE MATERIALIZED VIEW public.order_totals AS SELECT count(*) FROM public.orders;
            "#
            ),
        )
        .await;
        let catalog = catalog::read(&db).await.unwrap();
        let crm = TableName {
            schema: Some("crm".into()),
            name: "person".into(),
        };
        assert_eq!(
            catalog
                .tables
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>(),
            [
                crm.clone(),
                public("Order \"Line\""),
                public("event_notes"),
                public("events"),
                public("orders")
            ],
            "sorted by schema, then name; views and partitions left out"
        );

        let person = table(&catalog, &crm);
        assert_eq!(person.primary_key, ["region", "id"]);
        let id = column(person, "id");
        assert_eq!(
            (id.generated, id.default.as_deref(), id.nullable),
            (true, None, false)
        );
        let email = column(person, "email");
        assert_eq!(
            (email.data_type.as_str(), &email.kind, email.max_length),
            ("work_email", &ColumnKind::Text, Some(80)),
            "a domain over a domain over varchar(80)"
        );
        let lower = column(person, "email_lower");
        assert_eq!((lower.generated, lower.default.as_deref()), (true, None));
        assert_eq!(column(person, "profile").kind, ColumnKind::Json);
        assert_eq!(column(person, "token").kind, ColumnKind::Uuid);

        let orders = table(&catalog, &public("orders"));
        let id = column(orders, "id");
        assert_eq!(
            (id.generated, id.kind.clone()),
            (false, ColumnKind::Integer)
        );
        let key = fk(orders, &["person_id", "person_region"]);
        assert_eq!(key.references, crm);
        assert_eq!(
            key.referenced_columns,
            ["id", "region"],
            "in the key's order"
        );
        assert_eq!((key.on_delete, key.on_update), (SetNull, SetDefault));

        let events = table(&catalog, &public("events"));
        assert!(events.partitioned);
        // Declared on the parent: once, not once a partition.
        assert_eq!(events.foreign_keys.len(), 1);
        let key = &events.foreign_keys[0];
        assert_eq!(
            (&key.references, key.on_delete),
            (&public("orders"), Cascade)
        );
        assert_eq!(key.referenced_columns, ["id"], "the primary key, resolved");
        // A key to a partition is a key to its table.
        let notes = table(&catalog, &public("event_notes"));
        assert_eq!(fk(notes, &["at"]).references, public("events"));
    }

    #[tokio::test]
    async fn mariadb() {
        // Dropped after `sample`, whose table refers to it.
        let other = common::empty_mariadb();
        let sample = common::empty_mariadb();
        let other_name = other.url.rsplit('/').next().unwrap().to_owned();
        let db = Database::connect(&sample.url).await.unwrap();
        let odd = Engine::Mysql.quote("order`line");
        common::execute(
            &db,
            &format!(
                r#"
            CREATE TABLE {other_name}.country (code char(2) PRIMARY KEY);
            CREATE TABLE person (
                region varchar(8) NOT NULL,
                id int NOT NULL,
                email varchar(80),
                email_lower varchar(80) AS (lower(email)) VIRTUAL,
                email_domain varchar(80) AS (substring_index(email, '@', -1)) PERSISTENT,
                note varchar(10) DEFAULT 'NULL',
                mood enum('it''s fine', 'a,b') NOT NULL DEFAULT 'a,b',
                country char(2),
                PRIMARY KEY (region, id),
                UNIQUE KEY (id, region),
                CONSTRAINT person_country FOREIGN KEY (country) REFERENCES {other_name}.country (code)
            ) ENGINE = InnoDB;
            CREATE TABLE orders (
                id int PRIMARY KEY AUTO_INCREMENT,
                person_id int,
                person_region varchar(8),
                CONSTRAINT orders_person FOREIGN KEY (person_id, person_region)
                    REFERENCES person (id, region) ON DELETE CASCADE ON UPDATE SET NULL
            ) ENGINE = InnoDB;
            CREATE TABLE {odd} (x int);
            CREATE VIEW order_view AS SELECT * FROM orders;
            CREATE SEQUENCE order_numbers;
            "#
            ),
        )
        .await;
        let catalog = catalog::read(&db).await.unwrap();
        assert_eq!(names(&catalog), ["order`line", "orders", "person"]);

        let person = table(&catalog, &bare("person"));
        assert_eq!(person.primary_key, ["region", "id"]);
        let lower = column(person, "email_lower");
        let domain = column(person, "email_domain");
        assert_eq!((lower.generated, domain.generated), (true, true));
        assert!(!column(person, "email").generated);
        assert_eq!(column(person, "email").default, None);
        assert_eq!(column(person, "note").default.as_deref(), Some("'NULL'"));
        assert_eq!(
            column(person, "mood").kind,
            ColumnKind::Enum(strings(&["it's fine", "a,b"]))
        );
        let country = fk(person, &["country"]);
        assert_eq!(
            country.references,
            TableName {
                schema: Some(other_name.clone()),
                name: "country".into()
            },
            "a key into another database names it"
        );

        let orders = table(&catalog, &bare("orders"));
        assert!(
            !column(orders, "id").generated,
            "AUTO_INCREMENT can be written"
        );
        let key = fk(orders, &["person_id", "person_region"]);
        assert_eq!(key.name.as_deref(), Some("orders_person"));
        assert_eq!(key.references, bare("person"));
        assert_eq!(key.referenced_columns, ["id", "region"]);
        assert_eq!((key.on_delete, key.on_update), (Cascade, SetNull));
        db.close().await;
    }

    #[tokio::test]
    async fn sqlite() {
        let sample = common::empty_sqlite();
        let db = Database::connect(&sample.url).await.unwrap();
        let odd = Engine::Sqlite.quote(r#"we"ird"#);
        common::execute(
            &db,
            &format!(
                r#"
            CREATE TABLE parent (a TEXT, b INT, label, PRIMARY KEY (a, b)) WITHOUT ROWID;
            CREATE TABLE child (
                id INTEGER PRIMARY KEY,
                pa TEXT, pb INT,
                other_id INT REFERENCES gone,
                shout TEXT GENERATED ALWAYS AS (upper(pa)) VIRTUAL,
                twice INT GENERATED ALWAYS AS (pb * 2) STORED,
                born DATE DEFAULT CURRENT_DATE,
                FOREIGN KEY (pa, pb) REFERENCES PARENT ON DELETE CASCADE ON UPDATE SET NULL
            );
            CREATE TABLE {odd} (x BOOLEAN, y BLOB, z);
            CREATE VIEW child_view AS SELECT * FROM child;
            CREATE VIRTUAL TABLE notes USING fts5(body);
            "#
            ),
        )
        .await;
        let catalog = catalog::read(&db).await.unwrap();
        assert_eq!(
            names(&catalog),
            ["child", "notes", "parent", "we\"ird"],
            "no view, no shadow table of the full-text index"
        );

        let parent = table(&catalog, &bare("parent"));
        assert_eq!(parent.primary_key, ["a", "b"]);
        assert!(
            !column(parent, "a").nullable,
            "WITHOUT ROWID keys are NOT NULL"
        );
        assert_eq!(column(parent, "label").kind, ColumnKind::Other);

        let child = table(&catalog, &bare("child"));
        assert!(
            !column(child, "id").nullable,
            "INTEGER PRIMARY KEY is the rowid"
        );
        assert!(column(child, "pa").nullable);
        assert_eq!(
            (
                column(child, "shout").generated,
                column(child, "twice").generated
            ),
            (true, true)
        );
        assert_eq!(
            column(child, "born").default.as_deref(),
            Some("CURRENT_DATE")
        );
        assert_eq!(column(child, "born").kind, ColumnKind::Date);
        let key = fk(child, &["pa", "pb"]);
        assert_eq!(key.references, bare("parent"), "the parent's own spelling");
        assert_eq!(
            key.referenced_columns,
            ["a", "b"],
            "the parent's primary key"
        );
        assert_eq!((key.on_delete, key.on_update), (Cascade, SetNull));
        let dangling = fk(child, &["other_id"]);
        assert_eq!(
            (&dangling.references, dangling.referenced_columns.len()),
            (&bare("gone"), 0)
        );

        let weird = table(&catalog, &bare("we\"ird"));
        assert_eq!(column(weird, "x").kind, ColumnKind::Boolean);
        assert_eq!(column(weird, "y").kind, ColumnKind::Binary);
        assert_eq!(
            column(table(&catalog, &bare("notes")), "body").kind,
            ColumnKind::Other
        );
        db.close().await;
    }
}
