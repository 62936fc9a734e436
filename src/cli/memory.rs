//! How much memory this process may still take, read from the system before a large
//! graph is built, so that a scenario that cannot fit is refused with a clear message
//! instead of being killed half-way (exit 134 on an allocation failure).
//!
//! Three limits apply, and the least wins:
//! - the machine's `MemAvailable` (`/proc/meminfo`);
//! - a container's memory limit: cgroup v2 `memory.max` less `memory.current`, or
//!   cgroup v1 `memory.limit_in_bytes` less `memory.usage_in_bytes`, for this process's
//!   cgroup and every cgroup above it (`/proc/self/cgroup`);
//! - the address-space limit (`ulimit -v`, `/proc/self/limits`) less what the process
//!   maps already (`VmSize` in `/proc/self/status`), less the address space each worker
//!   thread's allocator arena reserves (glibc reserves 64 MB a thread).

use std::path::Path;

/// A limit on the memory this process may take.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryLimit {
    /// Bytes still available under it.
    pub bytes: f64,
    /// What it is, for messages ("available memory", "the container's memory limit").
    pub source: &'static str,
}

/// Address space each worker thread's allocator arena reserves (glibc: 64 MB on a
/// 64-bit system), counted against `ulimit -v`.
const ARENA_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// The tightest limit on what this process may still take, if any is known (Linux).
pub fn available(workers: usize) -> Option<MemoryLimit> {
    let machine = std::fs::read_to_string("/proc/meminfo").ok().and_then(|t| mem_available(&t));
    let container =
        std::fs::read_to_string("/proc/self/cgroup").ok().and_then(|t| cgroup_room(Path::new("/sys/fs/cgroup"), &t));
    let address_space =
        match (std::fs::read_to_string("/proc/self/limits"), std::fs::read_to_string("/proc/self/status")) {
            (Ok(limits), Ok(status)) => address_space_room(&limits, &status, workers),
            _ => None,
        };
    [
        machine.map(|bytes| MemoryLimit { bytes, source: "available memory" }),
        container.map(|bytes| MemoryLimit { bytes, source: "the container's memory limit (cgroup)" }),
        address_space.map(|bytes| MemoryLimit { bytes, source: "the address-space limit (ulimit -v)" }),
    ]
    .into_iter()
    .flatten()
    .min_by(|a, b| a.bytes.total_cmp(&b.bytes))
}

/// `MemAvailable` from `/proc/meminfo`, in bytes.
fn mem_available(meminfo: &str) -> Option<f64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024.0)
}

/// Room left under the cgroup limits of this process (`/proc/self/cgroup` text), the
/// least over its cgroup and those above it; None when no limit is set.
fn cgroup_room(root: &Path, proc_cgroup: &str) -> Option<f64> {
    let read = |p: &Path| std::fs::read_to_string(p).ok().and_then(|t| t.trim().parse::<f64>().ok());
    let mut room: Option<f64> = None;
    for line in proc_cgroup.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let (base, limit, usage) = match controllers {
            "" => (root.to_path_buf(), "memory.max", "memory.current"),
            c if c.split(',').any(|c| c == "memory") => {
                (root.join("memory"), "memory.limit_in_bytes", "memory.usage_in_bytes")
            }
            _ => continue,
        };
        let mut dir = base.join(path.trim_start_matches('/'));
        loop {
            // "max" (v2) does not parse: no limit here. v1 writes "no limit" as a huge
            // number, which is never the least.
            if let Some(max) = read(&dir.join(limit)) {
                let used = read(&dir.join(usage)).unwrap_or(0.0);
                let here = (max - used).max(0.0);
                room = Some(room.map_or(here, |r: f64| r.min(here)));
            }
            if dir == base || !dir.pop() || !dir.starts_with(&base) {
                break;
            }
        }
    }
    room
}

/// Room left under `ulimit -v` (`/proc/self/limits`), less the mapped address space
/// (`/proc/self/status` `VmSize`) and each worker's arena; None when unlimited.
fn address_space_room(limits: &str, status: &str, workers: usize) -> Option<f64> {
    let line = limits.lines().find(|l| l.starts_with("Max address space"))?;
    // "Max address space   <soft>   <hard>   bytes": the soft limit applies.
    let soft = line["Max address space".len()..].split_whitespace().next()?;
    let limit: f64 = soft.parse().ok()?; // "unlimited" does not parse
    let mapped_kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmSize:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    Some((limit - mapped_kib * 1024.0 - workers as f64 * ARENA_BYTES).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_22_cgroup_v2_and_v1_limits_are_read_up_the_tree() {
        let root = tempfile::tempdir().unwrap();
        let leaf = root.path().join("user.slice/app");
        std::fs::create_dir_all(&leaf).unwrap();
        std::fs::write(leaf.join("memory.max"), "max\n").unwrap();
        std::fs::write(root.path().join("user.slice/memory.max"), "1000000000\n").unwrap();
        std::fs::write(root.path().join("user.slice/memory.current"), "300000000\n").unwrap();
        assert_eq!(cgroup_room(root.path(), "0::/user.slice/app\n"), Some(7e8));
        // No limit anywhere: none.
        std::fs::remove_file(root.path().join("user.slice/memory.max")).unwrap();
        assert_eq!(cgroup_room(root.path(), "0::/user.slice/app\n"), None);
        // v1: the memory controller's hierarchy.
        let v1 = root.path().join("memory/docker/abc");
        std::fs::create_dir_all(&v1).unwrap();
        std::fs::write(v1.join("memory.limit_in_bytes"), "536870912\n").unwrap();
        std::fs::write(v1.join("memory.usage_in_bytes"), "36870912\n").unwrap();
        assert_eq!(cgroup_room(root.path(), "12:cpu:/docker/abc\n5:memory:/docker/abc\n"), Some(5e8));
    }

    #[test]
    fn issue_22_ulimit_v_counts_what_is_mapped_and_the_workers_arenas() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max address space         1073741824           unlimited            bytes\n";
        let status = "Name:\tfission\nVmSize:\t  102400 kB\n";
        let room = address_space_room(limits, status, 2).unwrap();
        assert_eq!(room, 1073741824.0 - 102400.0 * 1024.0 - 2.0 * ARENA_BYTES);
        let unlimited = limits.replace("1073741824", "unlimited");
        assert_eq!(address_space_room(&unlimited, status, 2), None);
        assert_eq!(mem_available("MemTotal: 10 kB\nMemAvailable:    2048 kB\n"), Some(2048.0 * 1024.0));
    }
}
