//! The application layer's tests, one binary: the rendered messages (parsed back as MIME and
//! iCalendar) and the use cases against an in-memory store and a recording mailer.

#[macro_use]
mod world;
mod calendars;
mod feedback;
mod messages;
mod moving;
mod requests;
mod scheduler;
mod staff;
mod statistics;
mod support;
mod use_cases;
mod waitlist;
