//! What the scheduler's read of one librarian's calendar costs: 500 events (a third of them
//! series on Mondays and Wednesdays, one in fifteen with a changed occurrence: 534 VEVENTs) in
//! Athens' zone and Outlook's Windows name for it, read over 93 days.

use chrono::{TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rantevou_calendar::busy_times;

fn calendar(events: usize) -> String {
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rantevou//bench//EN\r\n");
    for i in 0..events {
        let zone = if i % 2 == 0 {
            "Europe/Athens"
        } else {
            "GTB Standard Time"
        };
        let (day, hour) = (1 + i % 28, 8 + i % 9);
        text += &format!(
            "BEGIN:VEVENT\r\nUID:e{i}@bench\r\nDTSTART;TZID={zone}:202612{day:02}T{hour:02}0000\r\nDTEND;TZID={zone}:202612{day:02}T{hour:02}4500\r\n"
        );
        if i % 3 == 0 {
            text += "RRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\n";
        }
        text += "END:VEVENT\r\n";
        if i % 15 == 0 {
            text += &format!(
                "BEGIN:VEVENT\r\nUID:e{i}@bench\r\nRECURRENCE-ID;TZID={zone}:202612{day:02}T{hour:02}0000\r\nDTSTART;TZID={zone}:202612{day:02}T{:02}0000\r\nDTEND;TZID={zone}:202612{day:02}T{:02}3000\r\nEND:VEVENT\r\n",
                hour + 1,
                hour + 1
            );
        }
    }
    text + "END:VCALENDAR\r\n"
}

fn bench(c: &mut Criterion) {
    let text = calendar(500);
    let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2027, 3, 4, 0, 0, 0).unwrap();
    let reading = busy_times(&text, from, to, chrono_tz::Europe::Athens).unwrap();
    println!(
        "{} events, {} bytes: {} busy stretches, {} notes",
        reading.events,
        text.len(),
        reading.busy.len(),
        reading.notes.len()
    );
    c.bench_function("busy_times of 500 events over 93 days", |b| {
        b.iter(|| busy_times(black_box(&text), from, to, chrono_tz::Europe::Athens).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
