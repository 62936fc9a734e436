//! Putting files on disk, all or nothing.
//!
//! A run's output folder is written as one set: every file goes into a sibling staging
//! folder (`.<name>.tmp-<random>`, created by `tempfile` with a random name), which
//! replaces the folder only once every file is written and flushed, in one atomic
//! exchange of the two folders (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two
//! renames). A kill, a full disk or an error at any point before the exchange leaves
//! the earlier complete set as it was; a staging folder left by a killed run is removed
//! by the next run into the same folder. A lock (`.<name>.lock` beside the folder, an
//! advisory `flock` that the system releases when the process dies) refuses a second
//! run into the same folder while the first is writing. The folder holds a
//! `manifest.json`, written last, that lists every file of the set.
//!
//! Single files (`fission init`, `fission graph --chart`) go through [`write_atomic`]:
//! a temporary file with a random name, created exclusively (O_EXCL, so a planted
//! symbolic link is never followed), flushed, then renamed over the target.
//!
//! Main types: [`OutputDir`], [`OutputError`].

use serde::Serialize;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output folder cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The path names a file, or lies under one.
    #[error("{path}: {what}: name a folder (it is created if missing)")]
    NotAFolder {
        /// The output path, as given.
        path: PathBuf,
        /// What is in the way.
        what: String,
    },
    /// The folder holds files that fission did not write; replacing it would lose them.
    #[error(
        "{path} holds files fission did not write ({files}): each run replaces its output folder as a whole, so choose another folder, or move them"
    )]
    NotAnOutputFolder {
        /// The folder.
        path: PathBuf,
        /// Some of the files, listed.
        files: String,
    },
    /// Another fission process is writing the same folder.
    #[error(
        "{path} is being written by another fission run (lock {lock}): wait for it to finish, or choose another folder with --out"
    )]
    Busy {
        /// The folder.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// Any other input/output error.
    #[error("{what} {path}: {error}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The path.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
}

impl OutputError {
    /// Whether the user's choice of path is at fault (exit code 2), rather than the
    /// machine (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, OutputError::NotAFolder { .. } | OutputError::NotAnOutputFolder { .. })
    }
}

fn io<'p>(what: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> OutputError + 'p {
    move |error| OutputError::Io { what, path: path.to_path_buf(), error }
}

/// The name of the file that lists an output folder's files; written last.
pub const MANIFEST: &str = "manifest.json";

/// Files that earlier versions of fission wrote into an output folder (before the
/// manifest): a folder holding only these can be replaced.
const LEGACY_NAMES: &[&str] = &[
    "summary.json",
    "daily.csv",
    "generations.csv",
    "runs.csv",
    "growth.png",
    "growth.svg",
    "reach.png",
    "reach.svg",
    "generations.png",
    "generations.svg",
];

/// Checks, without creating anything, that `path` can become an output folder: it is
/// a folder or missing, no ancestor of it is a file, and if it exists it holds only
/// what fission wrote (see [`OutputDir`]).
///
/// # Errors
/// [`OutputError::NotAFolder`], [`OutputError::NotAnOutputFolder`], or an error
/// reading the folder.
pub fn check_output_folder(path: &Path) -> Result<(), OutputError> {
    check_parent_is_folder(path)?;
    if path.exists() {
        if !path.is_dir() {
            return Err(OutputError::NotAFolder { path: path.into(), what: "is a file".into() });
        }
        let foreign = foreign_files(path)?;
        if !foreign.is_empty() {
            let shown: Vec<String> = foreign.iter().take(3).cloned().collect();
            let more = if foreign.len() > 3 { format!(" and {} more", foreign.len() - 3) } else { String::new() };
            return Err(OutputError::NotAnOutputFolder {
                path: path.into(),
                files: format!("{}{more}", shown.join(", ")),
            });
        }
    }
    Ok(())
}

/// Checks that no existing ancestor of `path` is a file (`--out a-file/sub`): the
/// nearest existing one must be a folder.
///
/// # Errors
/// [`OutputError::NotAFolder`] naming the file in the way.
pub fn check_parent_is_folder(path: &Path) -> Result<(), OutputError> {
    let mut ancestor = path.parent();
    while let Some(a) = ancestor {
        if a.as_os_str().is_empty() {
            break;
        }
        if a.exists() {
            if !a.is_dir() {
                return Err(OutputError::NotAFolder {
                    path: path.into(),
                    what: format!("{} is a file, not a folder", a.display()),
                });
            }
            break;
        }
        ancestor = a.parent();
    }
    Ok(())
}

/// The entries of an existing output folder that fission did not write: anything not
/// listed in its manifest nor among the files older versions wrote.
fn foreign_files(dir: &Path) -> Result<Vec<String>, OutputError> {
    let listed: Vec<String> = std::fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
        .map(|m| m.files.into_iter().map(|f| f.name).collect())
        .unwrap_or_default();
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io("reading", dir))? {
        let entry = entry.map_err(io("reading", dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name == MANIFEST || LEGACY_NAMES.contains(&name.as_str()) || listed.contains(&name);
        if !ours || !entry.file_type().is_ok_and(|t| t.is_file()) {
            foreign.push(name);
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// One file of an output set, as the manifest lists it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ManifestEntry {
    /// File name inside the folder.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// `manifest.json`: the complete list of an output folder's files, written last.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// Layout version of this file.
    pub schema_version: u32,
    /// The fission version that wrote the set.
    pub fission_version: String,
    /// Every file of the set but the manifest itself, in the order written.
    pub files: Vec<ManifestEntry>,
}

/// An output folder being written as one set (see the module docs): create it with
/// [`OutputDir::begin`], add files with [`OutputDir::write`], and put the set in place
/// with [`OutputDir::commit`]. Dropped without a commit, it removes its staging folder
/// and leaves the earlier set untouched.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    staging: tempfile::TempDir,
    written: Vec<ManifestEntry>,
    _lock: FolderLock,
}

impl OutputDir {
    /// Takes the folder's lock, removes what a killed run left beside it, and opens a
    /// staging folder. Creates the folder's parent if missing, never the folder itself.
    ///
    /// # Errors
    /// As [`check_output_folder`]; [`OutputError::Busy`] if another process holds the
    /// lock; an error creating the parent or the staging folder.
    pub fn begin(target: &Path) -> Result<Self, OutputError> {
        check_output_folder(target)?;
        let parent = parent_of(target);
        std::fs::create_dir_all(&parent).map_err(io("creating folder", &parent))?;
        let name = folder_name(target);
        let lock = FolderLock::acquire(&parent.join(format!(".{name}.lock")), target)?;
        // Under the lock, nobody else writes this folder: what its staging and
        // swapped-out folders' names match was left by a killed run.
        if let Ok(entries) = std::fs::read_dir(&parent) {
            let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
            for entry in entries.flatten() {
                let n = entry.file_name().to_string_lossy().into_owned();
                if (n.starts_with(&tmp) || n.starts_with(&old)) && entry.file_type().is_ok_and(|t| t.is_dir()) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .tempdir_in(&parent)
            .map_err(io("creating a staging folder in", &parent))?;
        Ok(Self { target: target.to_path_buf(), staging, written: Vec::new(), _lock: lock })
    }

    /// Writes one file of the set (into the staging folder, flushed to disk).
    ///
    /// # Errors
    /// Any input/output error (a full disk, say); the earlier set is untouched.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.staging.path().join(name);
        let mut file = File::options().write(true).create_new(true).open(&path).map_err(io("writing", &path))?;
        file.write_all(bytes).and_then(|_| file.sync_all()).map_err(io("writing", &path))?;
        self.written.push(ManifestEntry { name: name.to_string(), bytes: bytes.len() as u64 });
        Ok(())
    }

    /// Writes the manifest and puts the set in place of the folder's earlier contents,
    /// in one step where the system allows it.
    ///
    /// # Errors
    /// Writing the manifest or renaming; the earlier set is then still in place.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let manifest = Manifest {
            schema_version: super::SCHEMA_VERSION,
            fission_version: crate::VERSION.to_string(),
            files: self.written.clone(),
        };
        let mut text = serde_json::to_string_pretty(&manifest).expect("a manifest always serialises");
        text.push('\n');
        self.write(MANIFEST, text.as_bytes())?;
        // The staging folder's entries reach the disk before it is put in place.
        if let Ok(dir) = File::open(self.staging.path()) {
            let _ = dir.sync_all();
        }
        let staging = self.staging.keep();
        let result = swap_in(&staging, &self.target);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        result.map(|()| self.target.clone())
    }

    /// The files written so far, in order.
    pub fn files(&self) -> &[ManifestEntry] {
        &self.written
    }
}

/// Puts the folder `staging` at `target`: a rename when `target` does not exist,
/// else an atomic exchange (Linux) or two renames, after which the earlier set is
/// removed.
fn swap_in(staging: &Path, target: &Path) -> Result<(), OutputError> {
    if !target.exists() {
        return std::fs::rename(staging, target).map_err(io("moving the new results to", target));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the earlier set.
            let _ = std::fs::remove_dir_all(staging);
            return Ok(());
        }
    }
    // Without an atomic exchange (another system, or a file system without it): move
    // the earlier set aside, the new one in, and remove the earlier one.
    let aside = parent_of(target).join(format!(
        ".{}.old-{}",
        folder_name(target),
        staging
            .file_name()
            .map(|n| n.to_string_lossy().rsplit('-').next().unwrap_or("").to_string())
            .unwrap_or_default()
    ));
    std::fs::rename(target, &aside).map_err(io("moving the earlier results aside from", target))?;
    if let Err(error) = std::fs::rename(staging, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(OutputError::Io { what: "moving the new results to", path: target.into(), error });
    }
    let _ = std::fs::remove_dir_all(&aside);
    Ok(())
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn folder_name(path: &Path) -> String {
    path.file_name().map_or_else(|| "output".to_string(), |n| n.to_string_lossy().into_owned())
}

/// An advisory lock on a file beside the output folder, released (and the file
/// removed) when dropped, or by the system when the process dies.
#[derive(Debug)]
struct FolderLock {
    path: PathBuf,
    _file: File,
}

impl FolderLock {
    fn acquire(path: &Path, target: &Path) -> Result<Self, OutputError> {
        // A lock file may be removed by its holder between our opening and locking it:
        // then our lock is on a file nobody else sees, so open it again.
        for _ in 0..100 {
            let file = File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(io("creating the lock file", path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(OutputError::Busy { path: target.into(), lock: path.into() });
                }
                Err(std::fs::TryLockError::Error(error)) => {
                    return Err(OutputError::Io { what: "locking", path: path.into(), error });
                }
            }
            if same_file(&file, path) {
                return Ok(Self { path: path.to_path_buf(), _file: file });
            }
        }
        Err(OutputError::Busy { path: target.into(), lock: path.into() })
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Removed while still locked, so a process that opens it after this makes a
        // new file (and one that opened it before sees it is gone, above).
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Puts `bytes` as file `name` into the output set at `target` (a folder a run or a
/// comparison wrote), replacing any file of that name: the whole set is written again
/// with it (under the folder's lock, through a staging folder, the manifest listing
/// it), so that the folder stays one complete set.
///
/// # Errors
/// As [`OutputDir::begin`]; reading the set's files; writing.
pub fn replace_in_set(target: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let mut out = OutputDir::begin(target)?;
    let listed: Vec<String> = match std::fs::read(target.join(MANIFEST)) {
        Ok(b) => serde_json::from_slice::<Manifest>(&b)
            .map(|m| m.files.into_iter().map(|f| f.name).collect())
            .unwrap_or_default(),
        Err(_) => LEGACY_NAMES.iter().map(|n| n.to_string()).filter(|n| target.join(n).is_file()).collect(),
    };
    // In the manifest's order, the new file in its old place (or last).
    for file in listed.iter().filter(|f| f.as_str() != MANIFEST) {
        if file == name {
            out.write(name, bytes)?;
        } else {
            let path = target.join(file);
            let content = std::fs::read(&path).map_err(io("reading", &path))?;
            out.write(file, &content)?;
        }
    }
    if !listed.iter().any(|f| f == name) {
        out.write(name, bytes)?;
    }
    out.commit().map(|_| ())
}

/// How old a temporary file beside a target must be before [`write_atomic`] takes it
/// for one left by a killed process and removes it.
const STALE_SECONDS: u64 = 3600;

/// Writes `bytes` to `path` through a temporary file beside it (random name, created
/// exclusively, flushed) and a rename, so a reader never sees a half-written file, an
/// interrupted write leaves the earlier file intact, and a symbolic link planted at a
/// temporary name is never followed. Temporary files of this target older than an
/// hour (left by a killed process) are removed.
///
/// # Errors
/// Any I/O error, with the temporary file removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_of(path);
    let prefix = format!(".{}.tmp-", folder_name(path));
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let stale = entry.metadata().ok().and_then(|m| m.modified().ok()).and_then(|t| t.elapsed().ok());
            if entry.file_name().to_string_lossy().starts_with(&prefix)
                && entry.file_type().is_ok_and(|t| t.is_file())
                && stale.is_some_and(|age| age.as_secs() > STALE_SECONDS)
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let mut tmp = tempfile::Builder::new().prefix(&prefix).tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn issue_22_a_set_replaces_the_earlier_one_whole_or_not_at_all() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        let mut first = OutputDir::begin(&target).unwrap();
        first.write("summary.json", b"1").unwrap();
        first.write("runs.csv", b"1").unwrap();
        first.commit().unwrap();
        assert_eq!(names(&target), ["manifest.json", "runs.csv", "summary.json"]);
        // A second set that fails half-way (dropped without commit) changes nothing.
        let mut second = OutputDir::begin(&target).unwrap();
        second.write("summary.json", b"2").unwrap();
        drop(second);
        assert_eq!(std::fs::read(target.join("summary.json")).unwrap(), b"1");
        // Nothing is left beside the folder: no staging folder, no lock file.
        assert_eq!(names(root.path()), ["out"]);
        // A complete second set replaces every file, and files it no longer writes go.
        let mut third = OutputDir::begin(&target).unwrap();
        third.write("summary.json", b"3").unwrap();
        third.commit().unwrap();
        assert_eq!(names(&target), ["manifest.json", "summary.json"]);
        assert_eq!(std::fs::read(target.join("summary.json")).unwrap(), b"3");
        let manifest: Manifest = serde_json::from_slice(&std::fs::read(target.join(MANIFEST)).unwrap()).unwrap();
        assert_eq!(manifest.files, [ManifestEntry { name: "summary.json".into(), bytes: 1 }]);
        assert_eq!(names(root.path()), ["out"]);
    }

    #[test]
    fn issue_22_a_second_writer_is_refused_while_the_first_holds_the_lock() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        let first = OutputDir::begin(&target).unwrap();
        let second = OutputDir::begin(&target).unwrap_err();
        assert!(matches!(second, OutputError::Busy { .. }), "{second}");
        assert!(second.to_string().contains("being written by another fission run"), "{second}");
        drop(first);
        OutputDir::begin(&target).unwrap();
    }

    #[test]
    fn issue_22_what_a_killed_run_left_is_cleaned_by_the_next() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        std::fs::create_dir(root.path().join(".out.tmp-abc123")).unwrap();
        std::fs::write(root.path().join(".out.tmp-abc123/summary.json"), b"half").unwrap();
        std::fs::create_dir(root.path().join(".out.old-xyz")).unwrap();
        // Another folder's staging is not touched.
        std::fs::create_dir(root.path().join(".other.tmp-1")).unwrap();
        let mut set = OutputDir::begin(&target).unwrap();
        set.write("summary.json", b"{}").unwrap();
        set.commit().unwrap();
        assert_eq!(names(root.path()), [".other.tmp-1", "out"]);
    }

    #[test]
    fn issue_22_a_folder_of_other_files_or_under_a_file_is_refused() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("notes.txt"), b"mine").unwrap();
        let err = OutputDir::begin(root.path()).unwrap_err();
        assert!(err.is_bad_input() && err.to_string().contains("notes.txt"), "{err}");
        assert_eq!(std::fs::read(root.path().join("notes.txt")).unwrap(), b"mine");
        let err = OutputDir::begin(&root.path().join("notes.txt/sub")).unwrap_err();
        assert!(err.is_bad_input() && err.to_string().contains("is a file, not a folder"), "{err}");
        let err = OutputDir::begin(&root.path().join("notes.txt")).unwrap_err();
        assert!(err.is_bad_input(), "{err}");
        // A folder of an earlier version's outputs (no manifest) is ours to replace.
        let old = root.path().join("old");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("summary.json"), b"{}").unwrap();
        std::fs::write(old.join("growth.png"), b"").unwrap();
        OutputDir::begin(&old).unwrap().commit().unwrap();
        assert_eq!(names(&old), ["manifest.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn issue_22_a_planted_link_is_replaced_not_followed() {
        let root = tempfile::tempdir().unwrap();
        let victim = root.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        // The names the old writer used, and the target itself, as links to the victim.
        let target = root.path().join("chart.png");
        std::os::unix::fs::symlink(&victim, root.path().join(format!(".chart.png.tmp-{}", std::process::id())))
            .unwrap();
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert!(!std::fs::symlink_metadata(&target).unwrap().file_type().is_symlink());
    }
}
