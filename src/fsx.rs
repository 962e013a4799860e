//! Files and folders written on this machine, safely against another local
//! user or a leftover link: private modes whatever the umask, no writing
//! through a symbolic link, no reading a FIFO or device as a file.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

/// The error for a symbolic link where a file was to be written: it names
/// the path and is never followed.
fn link_refused(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a symbolic link; ce-wizard does not write through links (remove it or pick another path)",
            path.display()
        ),
    )
}

fn not_a_file(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{} is not a regular file", path.display()),
    )
}

/// Whether `path` itself (not what it points to) is a symbolic link.
fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Opens `path` for writing, readable by its owner only (0600 from its
/// creation, an existing file narrowed to 0600), never following a
/// symbolic link at `path` and never opening anything but a regular file
/// (a FIFO would block, a device would take the bytes). With `overwrite`
/// an existing file is emptied; without it an existing file is an
/// `AlreadyExists` error.
fn open_private(path: &Path, overwrite: bool) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true);
    if overwrite {
        opts.create(true);
    } else {
        opts.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let file = match opts.open(path) {
        Ok(f) => f,
        Err(_) if is_symlink(path) => return Err(link_refused(path)),
        Err(e) => return Err(e),
    };
    if !file.metadata()?.is_file() {
        return Err(not_a_file(path));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    // Emptied only now that it is known to be a regular file of ours.
    file.set_len(0)?;
    Ok(file)
}

/// Opens (creating or emptying) a private file for writing: see
/// [`write_private`] for what is refused.
pub fn open_private_truncated(path: &Path) -> io::Result<File> {
    open_private(path, true)
}

/// Writes `contents` to a file readable by its owner only. A symbolic link
/// at `path` is refused with an error naming it, never followed; so is
/// anything but a regular file. Without `overwrite`, an existing file is
/// an `AlreadyExists` error.
pub fn write_private(path: &Path, contents: &[u8], overwrite: bool) -> io::Result<()> {
    let mut file = open_private(path, overwrite)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Creates `dir` and any missing parents with mode 0700, whatever the
/// umask, so no other user can add or swap a file inside.
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Reads a regular file of at most `max` bytes. A symbolic link is not
/// followed, a FIFO or device is not read (opened non-blocking, so a FIFO
/// without a writer does not hang), and the read stops past `max` bytes
/// whatever the file claims its size to be.
pub fn read_regular_bounded(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    read_bounded(path, max, false)
}

/// [`read_regular_bounded`], but through a symbolic link: for a file the
/// person may keep elsewhere and link to (a config file in a dotfiles
/// repository). A FIFO or device at the end of the link is still refused.
pub fn read_regular_bounded_through_links(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    read_bounded(path, max, true)
}

fn read_bounded(path: &Path, max: u64, follow_links: bool) -> io::Result<Vec<u8>> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if follow_links { 0 } else { libc::O_NOFOLLOW };
        opts.custom_flags(nofollow | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    #[cfg(not(unix))]
    let _ = follow_links;
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_a_file(path));
    }
    if meta.len() > max {
        return Err(too_large(path, max));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(path, max));
    }
    Ok(bytes)
}

fn too_large(path: &Path, max: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{} is larger than {max} bytes", path.display()),
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_link_at_the_target_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        for overwrite in [true, false] {
            let e = write_private(&link, b"new", overwrite).unwrap_err();
            assert!(e.to_string().contains("out.json"), "{e}");
            assert!(e.to_string().contains("symbolic link"), "{e}");
        }
        let e = open_private_truncated(&link).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        let mode = std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }

    #[test]
    fn a_fifo_is_neither_written_nor_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read_regular_bounded(&fifo, 10).is_err());
        assert!(write_private(&fifo, b"x", true).is_err());
    }

    #[test]
    fn reads_stop_at_the_bound_whatever_the_size_claims() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(read_regular_bounded(&link, 10).is_err());
        assert!(read_regular_bounded(Path::new("/dev/zero"), 10).is_err());
        let file = dir.path().join("f");
        std::fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_regular_bounded(&file, 10).unwrap(), b"0123456789");
        assert!(read_regular_bounded(&file, 9).is_err());
    }

    #[test]
    fn private_files_replace_a_regular_file_and_narrow_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        std::fs::write(&p, "a much longer old content").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o666)).unwrap();
        write_private(&p, b"new", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            write_private(&p, b"x", false).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
    }
}
