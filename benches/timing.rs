//! Timing helpers shared by the benches (included with `#[path]`).

use std::time::Instant;

/// Nanoseconds of CPU time this thread has used, to see through a machine busy with other work
/// (Linux: /proc/thread-self/schedstat; WASI: the thread CPU-time clock, which Node provides).
#[cfg(target_os = "wasi")]
pub fn thread_cpu_ns() -> Option<u64> {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> u16;
    }
    const THREAD_CPUTIME: u32 = 3;
    let mut t = 0u64;
    // SAFETY: a WASI preview1 import writing one u64 through a valid pointer.
    (unsafe { clock_time_get(THREAD_CPUTIME, 1, &mut t) } == 0).then_some(t)
}

#[cfg(not(target_os = "wasi"))]
pub fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Times `f` over `runs` calls after a warm-up: the median wall time of one call and the mean
/// CPU time of one call (when the platform tells), in ms.
pub fn time_ms(runs: usize, mut f: impl FnMut()) -> (f64, Option<f64>) {
    f(); // warm-up
    let cpu0 = thread_cpu_ns();
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let cpu = cpu0
        .zip(thread_cpu_ns())
        .map(|(a, b)| (b - a) as f64 / runs as f64 / 1e6);
    t.sort_by(f64::total_cmp);
    (t[t.len() / 2], cpu)
}
