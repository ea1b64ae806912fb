//! Availability: which slot starts a patron may book, per date, in the library's zone.
//!
//! The rules, in order: the library is open that date; the provider works that weekday; the
//! slot lies on the service's grid inside a stretch of work (breaks excluded); it starts no
//! earlier than `now` + minimum notice and on no date past the booking horizon; and none of
//! the provider's lock units it needs is held. Time runs in real minutes, so on the days the
//! clocks change a stretch of work is as long as it really is.

use crate::config::LibraryConfig;
use crate::ids::ProviderId;
use crate::patron::FieldCode;
use crate::provider::Provider;
use crate::service::Service;
use crate::slot_lock::{locks_for, BookedLocks, LockMonth, SlotLock};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The most days one availability request may cover.
pub const MAX_RANGE_DAYS: u64 = 62;

/// Whose time a patron wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderChoice {
    /// One named provider.
    One(ProviderId),
    /// Whoever offering the service is free.
    Any,
}

impl ProviderChoice {
    /// The choice a request makes: no provider, an empty one or `any` mean [`ProviderChoice::Any`];
    /// `None` when the text cannot be a provider id. The one reading of "any" for listing and
    /// booking alike.
    pub fn parse(raw: Option<&str>) -> Option<ProviderChoice> {
        match raw {
            None | Some("" | "any") => Some(ProviderChoice::Any),
            Some(id) => ProviderId::parse(id).map(ProviderChoice::One),
        }
    }
}

/// A request for the free slots of a service over a range of dates.
#[derive(Debug, Clone)]
pub struct AvailabilityQuery {
    /// The service's id.
    pub service: String,
    /// One provider or any.
    pub provider: ProviderChoice,
    /// First date, in the library's zone.
    pub from: NaiveDate,
    /// Last date (inclusive).
    pub to: NaiveDate,
    /// The current instant, passed in: the domain never reads a clock.
    pub now: DateTime<Utc>,
}

/// A bookable start, with the providers free then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Start, in the library's zone.
    pub start: DateTime<Tz>,
    /// End of the appointment (buffer excluded).
    pub end: DateTime<Tz>,
    /// Providers free for the whole slot, in the service's order.
    pub providers: Vec<ProviderId>,
}

/// The free slots of one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayAvailability {
    /// The date, in the library's zone.
    pub date: NaiveDate,
    /// Free slots, by start.
    pub slots: Vec<Slot>,
}

/// Why availability could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AvailabilityError {
    /// No service has this id.
    #[error("unknown service {0:?}")]
    UnknownService(String),
    /// No provider has this id.
    #[error("unknown provider {0:?}")]
    UnknownProvider(String),
    /// The provider exists but does not offer the service.
    #[error("provider {provider:?} does not offer service {service:?}")]
    NotOffered {
        /// The service asked for.
        service: String,
        /// The provider asked for.
        provider: String,
    },
    /// `to` is before `from`.
    #[error("the range ends before it starts")]
    RangeReversed,
    /// More than [`MAX_RANGE_DAYS`] dates.
    #[error("the range covers {0} days; at most {MAX_RANGE_DAYS} are allowed")]
    RangeTooLong(u64),
}

/// Why a requested start cannot be booked (existing bookings aside).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    /// The start is not an offered start: off the grid, outside working hours, in a break,
    /// or on a day the library is closed.
    #[error("that time is not offered")]
    NotOffered,
    /// The start is sooner than the minimum notice allows (or already past).
    #[error("that time is too soon to book")]
    TooSoon,
    /// The start is past the booking horizon.
    #[error("that time is too far ahead to book")]
    BeyondHorizon,
}

impl SlotError {
    /// The field code a request's `start` gets for this refusal.
    pub fn code(&self) -> FieldCode {
        match self {
            SlotError::NotOffered => FieldCode::NotOffered,
            SlotError::TooSoon => FieldCode::TooSoon,
            SlotError::BeyondHorizon => FieldCode::BeyondHorizon,
        }
    }
}

/// A start the rules allow for one provider (bookings aside), with the locks an appointment
/// there holds: the only way into [`crate::appointment::Appointment::book`], so the locks
/// checked are the locks booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedSlot<'c> {
    /// The service.
    pub service: &'c Service,
    /// The provider.
    pub provider: &'c Provider,
    /// The start.
    pub start: DateTime<Utc>,
    /// Every lock unit of the provider that duration + buffer touch.
    pub locks: Vec<SlotLock>,
}

/// The service and the providers a query is about, resolved against the configuration.
pub fn resolve<'c>(
    config: &'c LibraryConfig,
    service: &str,
    choice: &ProviderChoice,
) -> Result<(&'c Service, Vec<&'c Provider>), AvailabilityError> {
    let service = config
        .service(service)
        .ok_or_else(|| AvailabilityError::UnknownService(service.to_owned()))?;
    let providers = match choice {
        ProviderChoice::One(id) => {
            let provider = config
                .provider(id.as_str())
                .ok_or_else(|| AvailabilityError::UnknownProvider(id.to_string()))?;
            if !service.is_offered_by(&provider.id) {
                return Err(AvailabilityError::NotOffered {
                    service: service.id.to_string(),
                    provider: id.to_string(),
                });
            }
            vec![provider]
        }
        ProviderChoice::Any => service
            .providers
            .iter()
            .filter_map(|id| config.provider(id.as_str()))
            .collect(),
    };
    Ok((service, providers))
}

/// The lock partitions (provider, month) whose locks [`availability`] needs for `query`:
/// the store reads each with one query.
pub fn lock_partitions(
    config: &LibraryConfig,
    query: &AvailabilityQuery,
) -> Result<Vec<(ProviderId, LockMonth)>, AvailabilityError> {
    check_range(query.from, query.to)?;
    let (service, providers) = resolve(config, &query.service, &query.provider)?;
    let tz = config.library.timezone;
    let from = start_of_day(tz, query.from);
    let to = start_of_day(
        tz,
        query.to.checked_add_days(Days::new(1)).unwrap_or(query.to),
    ) + service.occupied();
    let months = LockMonth::spanning(from, to);
    Ok(providers
        .iter()
        .flat_map(|p| months.iter().map(|m| (p.id.clone(), *m)))
        .collect())
}

/// The free slots of `query`, date by date; every date of the range appears, with no slots
/// when nothing is free.
pub fn availability(
    config: &LibraryConfig,
    query: &AvailabilityQuery,
    booked: &BookedLocks,
) -> Result<Vec<DayAvailability>, AvailabilityError> {
    check_range(query.from, query.to)?;
    let (service, providers) = resolve(config, &query.service, &query.provider)?;
    let tz = config.library.timezone;
    let window = BookingWindow::new(config, query.now);
    let occupied = service.occupied();
    let mut days = Vec::new();
    let occupied_secs = occupied.num_seconds();
    let earliest = window.earliest.timestamp();
    // (start as Unix seconds, index of the provider): plain integers keep the loop cheap.
    let mut found: Vec<(i64, usize)> = Vec::new();
    for date in query.from.iter_days().take_while(|d| *d <= query.to) {
        found.clear();
        if window.allows_date(date) && config.closures.closed_on(date).is_none() {
            let mut clock = DayClock::new(tz, date);
            let closed = closed_spans(config, &mut clock);
            let length = service.duration().num_seconds();
            for (index, provider) in providers.iter().enumerate() {
                let held = booked.of(provider);
                for start in starts_in_day(service, provider, &mut clock) {
                    if start >= earliest
                        && clear_of(&closed, start, length)
                        && !held.holds_any_secs(start, occupied_secs)
                    {
                        found.push((start, index));
                    }
                }
            }
            // By start, then in the service's order of providers. Each provider's starts are
            // already in order, and a stable sort merges such runs cheaply.
            found.sort();
        }
        let mut slots: Vec<Slot> = Vec::new();
        for &(start, index) in &found {
            let id = providers[index].id.clone();
            let Some(start) = DateTime::from_timestamp(start, 0) else {
                continue;
            };
            match slots.last_mut() {
                Some(last) if last.start == start => last.providers.push(id),
                _ => slots.push(Slot {
                    start: start.with_timezone(&tz),
                    end: (start + service.duration()).with_timezone(&tz),
                    providers: vec![id],
                }),
            }
        }
        days.push(DayAvailability { date, slots });
    }
    Ok(days)
}

/// Checks that `provider` could take `service` at `start` as of `now` (bookings aside), and
/// returns the slot with the locks the appointment would hold.
pub fn check_slot<'c>(
    config: &LibraryConfig,
    service: &'c Service,
    provider: &'c Provider,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<OfferedSlot<'c>, SlotError> {
    let tz = config.library.timezone;
    let date = start.with_timezone(&tz).date_naive();
    if !scheduled_starts(config, service, provider, date).contains(&start) {
        return Err(SlotError::NotOffered);
    }
    let window = BookingWindow::new(config, now);
    if start < window.earliest {
        return Err(SlotError::TooSoon);
    }
    if !window.allows_date(date) {
        return Err(SlotError::BeyondHorizon);
    }
    Ok(OfferedSlot {
        service,
        provider,
        start,
        locks: locks_for(provider, start, service.occupied()),
    })
}

/// The candidates for booking `service` at `start`: the slot of every provider in
/// `providers` (as [`resolve`] lists them) whose rules allow it, in that order. When none
/// does, the first provider's reason.
pub fn offers<'c>(
    config: &LibraryConfig,
    service: &'c Service,
    providers: &[&'c Provider],
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<OfferedSlot<'c>>, SlotError> {
    let mut offered = Vec::new();
    let mut first_error = None;
    for provider in providers {
        match check_slot(config, service, provider, start, now) {
            Ok(slot) => offered.push(slot),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if offered.is_empty() => Err(e),
        _ => Ok(offered),
    }
}

/// The starts `provider`'s schedule offers for `service` on `date`, ignoring bookings, notice
/// and horizon: on the grid from the start of each stretch of work, each slot ending within it.
pub fn scheduled_starts(
    config: &LibraryConfig,
    service: &Service,
    provider: &Provider,
    date: NaiveDate,
) -> Vec<DateTime<Utc>> {
    if config.closures.closed_on(date).is_some() {
        return Vec::new();
    }
    let mut clock = DayClock::new(config.library.timezone, date);
    let closed = closed_spans(config, &mut clock);
    let length = service.duration().num_seconds();
    starts_in_day(service, provider, &mut clock)
        .into_iter()
        .filter(|t| clear_of(&closed, *t, length))
        .filter_map(|t| DateTime::from_timestamp(t, 0))
        .collect()
}

/// The spans (Unix seconds) of the clock's date that closures of some hours close.
fn closed_spans(config: &LibraryConfig, clock: &mut DayClock) -> Vec<(i64, i64)> {
    config
        .closures
        .closed_hours(clock.date)
        .filter_map(|h| {
            let from = clock.instant(h.from, Edge::Start)?;
            let to = clock.instant(h.to, Edge::End)?;
            Some((from.timestamp(), to.timestamp()))
        })
        .collect()
}

/// Whether an appointment of `length` seconds from `start` stays clear of every span.
fn clear_of(spans: &[(i64, i64)], start: i64, length: i64) -> bool {
    spans
        .iter()
        .all(|&(from, to)| start + length <= from || start >= to)
}

/// The starts (Unix seconds) of `provider`'s slots on the clock's date (closures not checked).
fn starts_in_day(service: &Service, provider: &Provider, clock: &mut DayClock) -> Vec<i64> {
    let Some(day) = provider.working_plan.on(clock.date) else {
        return Vec::new();
    };
    let mut starts = Vec::new();
    for segment in day.segments() {
        let (Some(begin), Some(end)) = (
            clock.instant(segment.start, Edge::Start),
            clock.instant(segment.end, Edge::End),
        ) else {
            continue;
        };
        // Whole seconds: cheaper than calendar arithmetic on every step.
        let (duration, grid) = (
            service.duration().num_seconds(),
            service.grid().num_seconds(),
        );
        let (mut t, end) = (begin.timestamp(), end.timestamp());
        while t + duration <= end {
            starts.push(t);
            t += grid;
        }
    }
    starts
}

/// Wall-clock times of one date turned into instants, remembered: providers mostly share
/// hours, and the zone look-up is the costly part of computing a day.
struct DayClock {
    tz: Tz,
    date: NaiveDate,
    known: Vec<(NaiveTime, bool, Option<DateTime<Utc>>)>,
}

impl DayClock {
    fn new(tz: Tz, date: NaiveDate) -> Self {
        DayClock {
            tz,
            date,
            known: Vec::new(),
        }
    }

    fn instant(&mut self, time: NaiveTime, edge: Edge) -> Option<DateTime<Utc>> {
        let is_start = matches!(edge, Edge::Start);
        if let Some(&(_, _, known)) = self
            .known
            .iter()
            .find(|(t, s, _)| *t == time && *s == is_start)
        {
            return known;
        }
        let instant = local_instant(self.tz, self.date, time, edge);
        self.known.push((time, is_start, instant));
        instant
    }
}

/// The earliest start and the last date a booking made at `now` may have.
struct BookingWindow {
    earliest: DateTime<Utc>,
    last_date: NaiveDate,
}

impl BookingWindow {
    fn new(config: &LibraryConfig, now: DateTime<Utc>) -> Self {
        let today = now.with_timezone(&config.library.timezone).date_naive();
        BookingWindow {
            earliest: now + config.policy.min_notice(),
            last_date: today
                .checked_add_days(Days::new(u64::from(config.policy.horizon_days)))
                .unwrap_or(today),
        }
    }

    fn allows_date(&self, date: NaiveDate) -> bool {
        date <= self.last_date && date >= self.earliest.date_naive().pred_opt().unwrap_or(date)
    }
}

fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), AvailabilityError> {
    if to < from {
        return Err(AvailabilityError::RangeReversed);
    }
    let days = u64::try_from((to - from).num_days() + 1).unwrap_or(u64::MAX);
    if days > MAX_RANGE_DAYS {
        return Err(AvailabilityError::RangeTooLong(days));
    }
    Ok(())
}

/// Which side of a stretch of work a wall-clock time bounds.
#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// The instant of a wall-clock time on `date`. A time the clocks skip maps to the first
/// instant after the gap; a time that happens twice maps to its first occurrence when it
/// starts a stretch of work and to its second when it ends one, so no real minute is lost.
fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime, edge: Edge) -> Option<DateTime<Utc>> {
    use chrono::LocalResult;
    let local = date.and_time(time);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, second) => Some(match edge {
            Edge::Start => first.with_timezone(&Utc),
            Edge::End => second.with_timezone(&Utc),
        }),
        LocalResult::None => (1..=24 * 60).find_map(|m| {
            tz.from_local_datetime(&(local + chrono::Duration::minutes(m)))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        }),
    }
}

/// Midnight starting `date` in `tz` (or the first instant of the date, where midnight is skipped).
fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    local_instant(tz, date, NaiveTime::MIN, Edge::Start)
        .unwrap_or_else(|| date.and_time(NaiveTime::MIN).and_utc())
}
