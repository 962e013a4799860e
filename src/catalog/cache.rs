//! The live catalog on disk, one file per base URL, so the next start shows
//! the platform's list at once while a refresh runs.
//!
//! The file sits in the XDG cache directory (`$XDG_CACHE_HOME/ce-wizard`;
//! `CE_WIZARD_CACHE` names another directory) and holds the platform's
//! list as fetched (before the merge with the bundled specs, which may change
//! with the binary), its fetch time, the base URL and the ETag. It holds no
//! secret. Writes go to a temporary file that is renamed over the old one, so
//! a reader never sees half a file, and a temporary file left by a write
//! that was killed midway is removed by a later write. Anything unreadable,
//! of another format, for another URL or older than [`MAX_AGE`] is ignored
//! as if absent.

use super::model::{Catalog, CatalogEntry};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const CACHE_DIR_ENV: &str = "CE_WIZARD_CACHE";
/// Bumped whenever the file's shape changes; other versions are ignored.
const FORMAT: u32 = 1;
/// A cache older than this is not shown: elements may have come and gone.
pub const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);
/// A cache younger than this needs no refresh before a command-line use.
pub const FRESH_FOR: Duration = Duration::from_secs(24 * 3600);
/// Larger files are not read: a real catalog is a fraction of this.
const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Catalog files kept in the directory; older ones are removed on write.
/// Each `--sandbox` run has a new port and so a new base URL: without a
/// bound their files would pile up.
const MAX_FILES: usize = 16;

/// The catalog as cached, and when the platform gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedCatalog {
    pub catalog: Catalog,
    pub fetched_at: SystemTime,
}

impl CachedCatalog {
    /// Older than [`FRESH_FOR`]: worth refetching before relying on it.
    pub fn is_stale(&self, now: SystemTime) -> bool {
        now.duration_since(self.fetched_at)
            .is_ok_and(|age| age > FRESH_FOR)
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CacheFile {
    format: u32,
    base_url: String,
    /// Seconds since the Unix epoch.
    fetched_at: u64,
    #[serde(default)]
    pub(crate) etag: Option<String>,
    pub(crate) elements: Vec<CatalogEntry>,
}

impl CacheFile {
    pub(crate) fn new(
        base_url: &str,
        fetched_at: SystemTime,
        etag: Option<String>,
        elements: Vec<CatalogEntry>,
    ) -> CacheFile {
        CacheFile {
            format: FORMAT,
            base_url: normalize(base_url),
            fetched_at: fetched_at
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            etag,
            elements,
        }
    }

    fn fetched_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.fetched_at)
    }
}

fn normalize(base_url: &str) -> String {
    base_url.trim().trim_end_matches('/').to_string()
}

/// The cache directory: `CE_WIZARD_CACHE`, else the XDG one.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "ce-wizard").map(|d| d.cache_dir().to_path_buf())
}

/// The file for one base URL: named by a hash of it, so any URL (with its
/// slashes and port) gives a plain file name.
pub fn cache_path(base_url: &str) -> Option<PathBuf> {
    Some(cache_dir()?.join(format!("catalog-{:016x}.json", fnv1a(&normalize(base_url)))))
}

fn fnv1a(text: &str) -> u64 {
    // Fixed forever, unlike std's hasher: the name must not change between runs.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The cached catalog of this base URL, merged with the bundled specs; `None`
/// when there is none or it cannot be trusted (see the module notes).
pub fn load_cached(base_url: &str) -> Option<CachedCatalog> {
    let file = read(base_url)?;
    let fetched_at = file.fetched_at();
    Some(CachedCatalog {
        catalog: Catalog::live(&file.base_url, fetched_at, file.elements),
        fetched_at,
    })
}

pub(crate) fn read(base_url: &str) -> Option<CacheFile> {
    read_from(&cache_path(base_url)?, base_url, SystemTime::now())
}

/// Only a regular file is read (a link is not followed, a FIFO is not
/// waited on), at most [`MAX_FILE_BYTES`] of it whatever its size claims,
/// and its entries are cleaned as the platform's are: the file may have
/// been written by someone else.
fn read_from(path: &Path, base_url: &str, now: SystemTime) -> Option<CacheFile> {
    let bytes = crate::fsx::read_regular_bounded(path, MAX_FILE_BYTES).ok()?;
    let mut file: CacheFile = serde_json::from_slice(&bytes).ok()?;
    let too_old = now
        .duration_since(file.fetched_at())
        .is_ok_and(|age| age > MAX_AGE);
    if file.format != FORMAT || file.base_url != normalize(base_url) || too_old {
        return None;
    }
    file.elements = std::mem::take(&mut file.elements)
        .into_iter()
        .filter_map(CatalogEntry::cleaned)
        .collect();
    if file
        .etag
        .as_deref()
        .is_some_and(crate::sanitize::has_unsafe)
    {
        file.etag = None;
    }
    Some(file)
}

/// Writes the file atomically: a private temporary file beside it, renamed
/// over it.
pub(crate) fn write(file: &CacheFile) -> std::io::Result<PathBuf> {
    let path = cache_path(&file.base_url)
        .ok_or_else(|| std::io::Error::other("no cache directory (set CE_WIZARD_CACHE or HOME)"))?;
    write_to(&path, file)?;
    Ok(path)
}

fn write_to(path: &Path, file: &CacheFile) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("the cache path has no directory"))?;
    crate::fsx::create_private_dir_all(dir)?;
    let text = serde_json::to_vec(file).map_err(std::io::Error::other)?;
    // A file the reader would refuse is not worth writing.
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other("the catalog is too large to cache"));
    }
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| std::io::Error::other(e.to_string()))?;
    let tmp = dir.join(format!(
        ".{}.{}-{:016x}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("catalog"),
        std::process::id(),
        u64::from_le_bytes(nonce)
    ));
    let result = crate::config::write_private_file(&tmp, &text, false)
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    prune(dir, MAX_FILES);
    Ok(())
}

/// Whether `name` is one of this cache's files (`catalog-` and 16 hex
/// digits): nothing else in the directory is ever removed.
fn is_cache_file_name(name: &str) -> bool {
    name.strip_prefix("catalog-")
        .and_then(|rest| rest.strip_suffix(".json"))
        .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `name` is a temporary file `write_to` makes beside a cache
/// file (`.catalog-<hash>.json.<pid>-<nonce>.tmp`).
fn is_temporary_name(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|rest| rest.strip_suffix(".tmp"))
        .and_then(|rest| rest.rsplit_once('.'))
        .is_some_and(|(file, stamp)| {
            is_cache_file_name(file)
                && stamp.split_once('-').is_some_and(|(pid, nonce)| {
                    !pid.is_empty()
                        && pid.bytes().all(|b| b.is_ascii_digit())
                        && nonce.len() == 16
                        && nonce.bytes().all(|b| b.is_ascii_hexdigit())
                })
        })
}

/// How old a temporary file must be before it counts as left behind by a
/// process that was killed mid-write, not one another process is writing.
const TEMPORARY_LEFT_AFTER: Duration = Duration::from_secs(10 * 60);

/// Removes all but the `keep` most recently written catalog files, and the
/// temporary files of writes that never finished.
fn prune(dir: &Path, keep: usize) {
    remove_left_temporaries(dir, SystemTime::now());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(is_cache_file_name))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= keep {
        return;
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    for (_, path) in files.into_iter().skip(keep) {
        // Another process may have removed it already; that is the goal.
        let _ = std::fs::remove_file(path);
    }
}

/// A process killed between writing its temporary file and renaming it
/// (a closed terminal, a kill -9) leaves the file behind; nothing else
/// would ever remove it.
fn remove_left_temporaries(dir: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let left = entry.file_name().to_str().is_some_and(is_temporary_name)
            && entry.file_type().is_ok_and(|t| t.is_file())
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|at| now.duration_since(at).unwrap_or_default() >= TEMPORARY_LEFT_AFTER);
        if left {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::AuthKind;

    /// A file of `{}` in `dir`, last written at `at`.
    fn file_written_at(dir: &Path, name: &str, at: SystemTime) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, "{}").unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(at).unwrap();
        p
    }

    /// The names in `dir`, sorted.
    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_write_killed_midway_leaves_no_file_for_ever() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let put = |name: &str, age: u64| {
            file_written_at(dir.path(), name, now - Duration::from_secs(age));
        };
        // Left by a killed write an hour ago; one being written now.
        put(
            ".catalog-00000000000000ab.json.4242-0123456789abcdef.tmp",
            3600,
        );
        put(
            ".catalog-00000000000000ab.json.4343-fedcba9876543210.tmp",
            5,
        );
        // A person's files that only look alike, old as they are.
        for own in [
            ".catalog-notes.json.1-0123456789abcdef.tmp",
            ".catalog-00000000000000ab.json.tmp",
            "catalog-00000000000000ab.json.4242-0123456789abcdef.tmp",
            ".catalog-00000000000000ab.json.x-0123456789abcdef.tmp",
        ] {
            put(own, 3600);
        }
        remove_left_temporaries(dir.path(), now);
        assert_eq!(
            names_in(dir.path()),
            [
                ".catalog-00000000000000ab.json.4343-fedcba9876543210.tmp",
                ".catalog-00000000000000ab.json.tmp",
                ".catalog-00000000000000ab.json.x-0123456789abcdef.tmp",
                ".catalog-notes.json.1-0123456789abcdef.tmp",
                "catalog-00000000000000ab.json.4242-0123456789abcdef.tmp",
            ]
        );
    }

    #[test]
    fn writing_the_cache_clears_what_killed_writes_left() {
        let dir = tempfile::tempdir().unwrap();
        let left = file_written_at(
            dir.path(),
            ".catalog-00000000000000ab.json.4242-0123456789abcdef.tmp",
            SystemTime::now() - Duration::from_secs(3600),
        );
        let path = dir.path().join("catalog-00000000000000cd.json");
        let file = CacheFile::new(
            "https://api.example",
            SystemTime::now(),
            None,
            vec![entry("shopify")],
        );
        write_to(&path, &file).unwrap();
        assert!(path.exists());
        assert!(!left.exists(), "the killed write's file is still there");
    }

    fn entry(key: &str) -> CatalogEntry {
        CatalogEntry {
            key: key.into(),
            name: key.to_uppercase(),
            hub: "crm".into(),
            description: String::new(),
            auth: AuthKind::Oauth2,
            beta: false,
            bundled: false,
        }
    }

    #[test]
    fn a_written_file_reads_back_for_its_url_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/c.json");
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let file = CacheFile::new("http://h/api/", at, Some("\"e1\"".into()), vec![entry("a")]);
        write_to(&path, &file).unwrap();
        let now = at + Duration::from_secs(60);
        let back = read_from(&path, "http://h/api", now).unwrap();
        assert_eq!(back.elements, vec![entry("a")]);
        assert_eq!(back.etag.as_deref(), Some("\"e1\""));
        assert_eq!(back.fetched_at(), at);
        assert!(read_from(&path, "http://other/api", now).is_none());
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn old_corrupt_and_foreign_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        write_to(
            &path,
            &CacheFile::new("http://h", at, None, vec![entry("a")]),
        )
        .unwrap();
        assert!(read_from(&path, "http://h", at + MAX_AGE).is_some());
        assert!(read_from(&path, "http://h", at + MAX_AGE + Duration::from_secs(1)).is_none());

        let mut other = CacheFile::new("http://h", at, None, vec![]);
        other.format = FORMAT + 1;
        write_to(&path, &other).unwrap();
        assert!(read_from(&path, "http://h", at).is_none());

        for junk in [
            "",
            "{",
            "null",
            "[1,2]",
            "{\"format\":1}",
            "\u{0}\u{1}binary",
        ] {
            std::fs::write(&path, junk).unwrap();
            assert!(read_from(&path, "http://h", at).is_none(), "{junk:?}");
        }
        assert!(read_from(&dir.path().join("absent.json"), "http://h", at).is_none());
    }

    #[test]
    fn only_the_newest_catalog_files_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let base = SystemTime::now() - Duration::from_secs(1000);
        for i in 0..5u64 {
            let name = format!("catalog-{i:016x}.json");
            file_written_at(dir.path(), &name, base + Duration::from_secs(i * 10));
        }
        std::fs::write(dir.path().join("other.json"), "{}").unwrap();
        // A person's own files beside the cache, older than every catalog.
        for own in [
            "catalog-report-2024.json",
            "catalog-1.json",
            "catalog-000000000000000g.json",
        ] {
            file_written_at(dir.path(), own, base - Duration::from_secs(100));
        }
        prune(dir.path(), 2);
        assert_eq!(
            names_in(dir.path()),
            [
                "catalog-0000000000000003.json",
                "catalog-0000000000000004.json",
                "catalog-000000000000000g.json",
                "catalog-1.json",
                "catalog-report-2024.json",
                "other.json"
            ]
        );
    }

    #[test]
    fn entries_from_the_file_are_cleaned_like_the_platform_s() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut hostile = entry("a");
        hostile.name = "A\u{1b}]52;c;ZWNobw==\u{7}\u{202e}".into();
        let mut bad_key = entry("b");
        bad_key.key = "b\u{1b}[2J".into();
        write_to(
            &path,
            &CacheFile::new("http://h", at, None, vec![hostile, bad_key]),
        )
        .unwrap();
        let back = read_from(&path, "http://h", at).unwrap();
        assert_eq!(back.elements.len(), 1);
        assert_eq!(back.elements[0].name, "A]52;c;ZWNobw==");
    }

    #[cfg(unix)]
    #[test]
    fn links_fifos_and_endless_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let zero = dir.path().join("zero.json");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert!(read_from(&zero, "http://h", at).is_none());
        let fifo = dir.path().join("fifo.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read_from(&fifo, "http://h", at).is_none());
        // A link to a good cache file is not followed either.
        let real = dir.path().join("real.json");
        write_to(
            &real,
            &CacheFile::new("http://h", at, None, vec![entry("a")]),
        )
        .unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(read_from(&real, "http://h", at).is_some());
        assert!(read_from(&link, "http://h", at).is_none());
    }

    #[test]
    fn staleness_is_a_day() {
        let at = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let cached = CachedCatalog {
            catalog: Catalog::live("http://h", at, vec![]),
            fetched_at: at,
        };
        assert!(!cached.is_stale(at + FRESH_FOR));
        assert!(cached.is_stale(at + FRESH_FOR + Duration::from_secs(1)));
        assert!(
            !cached.is_stale(at - Duration::from_secs(5)),
            "a clock set back is not staleness"
        );
    }

    #[test]
    fn file_names_depend_on_the_url_alone() {
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        let a = format!("catalog-{:016x}.json", fnv1a(&normalize("http://h/x/")));
        let b = format!("catalog-{:016x}.json", fnv1a(&normalize("http://h/x")));
        assert_eq!(a, b);
    }
}
