//! Files and folders for this user alone. The modes are set here rather than left to the
//! process's umask: an archive carries every secret of the server, and `server backup` is
//! also run by hand, from a shell whose umask lets others read.

use std::fs::File;
use std::io;
use std::path::Path;

/// The folder `out` goes into: made 0700 (with any missing parents) when it is not there. An
/// existing folder that others may open is refused rather than changed: it may be shared on
/// purpose (`/tmp`, a home folder, a mount another job reads), and a chmod there would either
/// break that or hide the archive's exposure from whoever chose the folder.
pub fn archive_folder(out: &Path) -> Result<(), String> {
    let folder = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.exists() {
        return self::folder(folder).map_err(|e| format!("cannot make the folder {}: {e}", folder.display()));
    }
    let metadata =
        std::fs::metadata(folder).map_err(|e| format!("cannot read the folder {}: {e}", folder.display()))?;
    if !metadata.is_dir() {
        return Err(format!("{} is not a folder.", folder.display()));
    }
    match others_may_open(&metadata) {
        Some(mode) => Err(format!(
            "The folder {} can be opened by other users (mode {mode:o}), and a backup holds every password hash, \
             key and document. Write backups into a folder only this user can open (chmod 700 {}), or name a new \
             folder and it is made so.",
            folder.display(),
            folder.display()
        )),
        None => Ok(()),
    }
}

/// Makes `path` (and any missing parents) 0700; a folder already there is left as it is.
pub fn folder(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// A new, empty file at `path`, 0600. A leftover of an earlier run is removed first: opening
/// it would keep its mode, and a new file is never one planted there (a link is not followed).
pub fn new_file(path: &Path) -> io::Result<File> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Makes the file at `path` 0600, whatever it was.
pub fn restrict(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// The folder's mode when its group or others have any right on it.
fn others_may_open(metadata: &std::fs::Metadata) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o7777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("hub-private-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn m2_a_new_file_is_private_even_over_a_readable_leftover() {
        let dir = scratch("file");
        folder(&dir).unwrap();
        let path = dir.join("x.partial");
        std::fs::write(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(new_file(&path).unwrap());
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"", "a new, empty file");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn m2_an_archive_folder_is_made_private_or_refused_when_others_may_open_it() {
        let dir = scratch("folder");
        archive_folder(&dir.join("a/b/hub.tar.gz")).unwrap();
        assert_eq!((mode(&dir), mode(&dir.join("a")), mode(&dir.join("a/b"))), (0o700, 0o700, 0o700));
        archive_folder(&dir.join("a/b/again.tar.gz")).expect("a private folder is used as it is");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
        let refused = archive_folder(&dir.join("hub.tar.gz")).unwrap_err();
        assert!(refused.contains("mode 750") && refused.contains("chmod 700"), "{refused}");
        assert_eq!(mode(&dir), 0o750, "left as it was");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
