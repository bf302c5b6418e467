//! What data-subject requests run with, from the configuration: the
//! dataset files and the key of an erasure's keyed hashes.

use std::path::Path;

use vow_dsr::runner::Target;
use vow_store::LedgerKey;

use crate::config::Config;
use crate::serve::ServeError;

/// Reads and checks every dataset file of the configuration. Two files
/// with one id are an error: a request's tasks are named by dataset id.
pub fn targets(config: &Config) -> Result<Vec<Target>, ServeError> {
    let files = config.dataset_files().map_err(|e| {
        ServeError::Setup(format!(
            "cannot list the dataset files in {}: {e}",
            config.data_dir.join("datasets").display()
        ))
    })?;
    let mut targets: Vec<Target> = Vec::with_capacity(files.len());
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| ServeError::Setup(format!("cannot read {}: {e}", file.display())))?;
        let (dataset, _) = vow_dsr::dataset::parse(&file.display().to_string(), &text)
            .map_err(|report| ServeError::Setup(report.render(false)))?;
        if let Some(other) = targets.iter().find(|t| t.dataset.id == dataset.id) {
            return Err(ServeError::Setup(format!(
                "{} and the dataset in {} both have id `{}`: give each dataset its own id",
                file.display(),
                other.base.display(),
                dataset.id
            )));
        }
        targets.push(Target {
            dataset,
            base: file.parent().unwrap_or(Path::new(".")).to_owned(),
        });
    }
    Ok(targets)
}

/// The mailer of one-time codes: `[mail]` of vow.toml with the `VOW_SMTP_*`
/// variables over it; with neither, an SMTP server on localhost:25.
pub fn mailer(config: &Config) -> Result<vow_mail::Mailer, ServeError> {
    config
        .mail
        .clone()
        .unwrap_or_default()
        .with_env(|name| std::env::var(name).ok())
        .and_then(|mail| vow_mail::Mailer::new(&mail))
        .map_err(|e| ServeError::Setup(format!("[mail] in the configuration: {e}")))
}

/// The key of the keyed hashes an erasure writes, derived from the ledger
/// key: the same person hashes to the same value in every dataset and
/// every process, and there is no second secret to keep.
pub fn hash_key(ledger: &LedgerKey) -> [u8; 32] {
    ledger.derive("dsr-erasure-hash")
}
