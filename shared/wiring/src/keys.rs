//! The manage keys: from a key file (local runs: `rantevou serve` makes one in its data folder
//! on first start, readable by its owner only) or from an AWS Secrets Manager secret the stack
//! generates (read once per cold start, by the functions that make links).

use rantevou_domain::token::KEY_TEXT_MIN;
use rantevou_domain::ManageKeys;
use std::io::Write;
use std::path::Path;

/// The keys in `path`, made first (one fresh key) if the file does not exist.
pub fn from_file_or_new(path: &Path) -> Result<ManageKeys, String> {
    if !path.exists() {
        let key = fresh_key_text();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => file
                .write_all(format!("{key}\n").as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            // Made meanwhile by another process: read that one.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
        }
    }
    from_file(path)
}

/// The keys in `path` (one per line, the current first).
pub fn from_file(path: &Path) -> Result<ManageKeys, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    ManageKeys::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The keys in the Secrets Manager secret `id` (its string value: one key per line).
#[cfg(feature = "secrets")]
pub async fn from_secret(sdk: &aws_config::SdkConfig, id: &str) -> Result<ManageKeys, String> {
    let text = secret_text(sdk, id).await?;
    ManageKeys::parse(&text).map_err(|e| format!("secret {id}: {e}"))
}

/// The string value of the Secrets Manager secret `id`.
#[cfg(feature = "secrets")]
pub async fn secret_text(sdk: &aws_config::SdkConfig, id: &str) -> Result<String, String> {
    let client = aws_sdk_secretsmanager::Client::new(sdk);
    let out = client
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| {
            let code = aws_sdk_secretsmanager::error::ProvideErrorMetadata::code(&e)
                .unwrap_or("request failed");
            format!("secret {id}: {code}")
        })?;
    out.secret_string()
        .map(str::to_owned)
        .ok_or_else(|| format!("secret {id} has no string value"))
}

/// 64 random letters and digits (~381 bits) from the system's generator.
fn fresh_key_text() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng;
    let text: String = (0..64)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    debug_assert!(text.len() >= KEY_TEXT_MIN);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_made_once_private_and_then_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys");
        let first = from_file_or_new(&path).unwrap();
        let again = from_file_or_new(&path).unwrap();
        assert_eq!(first.current().id(), again.current().id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
        }
        std::fs::write(&path, "too short\n").unwrap();
        assert!(from_file_or_new(&path)
            .unwrap_err()
            .contains("not at least 43"));
    }
}
