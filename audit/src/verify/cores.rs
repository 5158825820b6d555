//! Work on a slice split over every core, its results in the slice's order.

/// `work` on about equal contiguous parts of `items`, one thread per core; the parts' results
/// concatenated in order.
pub(super) fn on_every_core<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = items.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|s| {
        let parts: Vec<_> = items.chunks(per).map(|part| s.spawn(move || work(part))).collect();
        parts.into_iter().flat_map(|p| p.join().expect("the work does not panic")).collect()
    })
}
