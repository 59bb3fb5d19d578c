//! What happens to a demo placement: read by the placements' seeding and by their reports'.

/// What happened to a demo placement, relative to the demo's today (days).
pub(super) enum Story {
    /// Starts in the future.
    Planned,
    /// Started, still running.
    Active,
    /// Started and extended to these ends, in order.
    Extended(&'static [i64]),
    /// Started and ended early on this day.
    EndedEarly(i64),
    /// Cancelled before its start.
    Cancelled,
    /// Ran its whole period.
    Completed,
}
