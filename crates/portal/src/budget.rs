//! What one page's rendering may spend. The portal's templates may be a
//! site's own (`<theme>/portal/`), and a slip in one, such as two nested
//! loops over `range(end=100000)`, must end in a clear error naming the
//! template, not in a build that runs for minutes and gigabytes:
//!
//! - `range()` hands out at most [`MAX_RANGE_ELEMENTS`] elements per page in
//!   all (Tera's own limit is per call);
//! - a page holds at most [`MAX_PAGE_BYTES`];
//! - a page renders for at most [`MAX_PAGE_TIME`] (checked whenever it
//!   writes or asks for a range).
//!
//! The budget is per page and per thread: a page renders on one thread.

use std::cell::Cell;
use std::time::{Duration, Instant};
use tera::{Kwargs, State, TeraResult};

/// Elements `range()` may produce for one page.
pub(crate) const MAX_RANGE_ELEMENTS: i128 = 100_000;
/// The largest page (the largest real ones are a few hundred kilobytes).
pub(crate) const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;
/// The longest a page may take to render (real ones take milliseconds).
pub(crate) const MAX_PAGE_TIME: Duration = Duration::from_secs(10);

thread_local! {
    /// Range elements left for the page rendering on this thread, and when
    /// it started.
    static LEFT: Cell<(i128, Option<Instant>)> = const { Cell::new((MAX_RANGE_ELEMENTS, None)) };
}

/// The bytes of a page being rendered, within its budget.
pub(crate) struct Page(Vec<u8>);

impl Page {
    /// Starts a page: its budget is full again.
    pub(crate) fn start() -> Page {
        LEFT.with(|left| left.set((MAX_RANGE_ELEMENTS, Some(Instant::now()))));
        Page(Vec::new())
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

fn over_time() -> Option<String> {
    let started = LEFT.with(|left| left.get().1)?;
    (started.elapsed() > MAX_PAGE_TIME).then(|| {
        format!(
            "the page took more than {} s to render (a loop without end?)",
            MAX_PAGE_TIME.as_secs()
        )
    })
}

impl std::io::Write for Page {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_PAGE_BYTES {
            return Err(std::io::Error::other(format!(
                "the page would exceed {} MiB",
                MAX_PAGE_BYTES >> 20
            )));
        }
        if let Some(message) = over_time() {
            return Err(std::io::Error::other(message));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Tera's `range(start, end, step_by)`, drawing on the page's budget.
pub(crate) fn range(kwargs: Kwargs, _: &State) -> TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message("`range` was called with `step_by=0`"));
    }
    if let Some(message) = over_time() {
        return Err(tera::Error::message(message));
    }
    let overflow = || tera::Error::message("`range` was called with numbers too large");
    let len = if (step > 0 && end > start) || (step < 0 && end < start) {
        let span = end
            .checked_sub(start)
            .and_then(i128::checked_abs)
            .ok_or_else(overflow)?;
        let step = step.checked_abs().ok_or_else(overflow)?;
        span.checked_add(step - 1).ok_or_else(overflow)? / step
    } else {
        0
    };
    let left = LEFT.with(|left| {
        let (left_now, started) = left.get();
        left.set((left_now - len, started));
        left_now
    });
    if len > left {
        return Err(tera::Error::message(format!(
            "`range` would go past the {MAX_RANGE_ELEMENTS} elements a page may use in all (a loop inside a loop?)"
        )));
    }
    let mut values = Vec::with_capacity(len as usize);
    let mut value = start;
    for _ in 0..len {
        values.push(value);
        value += step;
    }
    Ok(values)
}
