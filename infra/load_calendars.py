"""The load benchmark's librarians with calendars (infra/bin/load, BENCHMARKS.md).

    python3 infra/load_calendars.py DATA PROVIDERS EVENTS ICS_BASE

Rewrites DATA/library.toml so that the service has PROVIDERS librarians (copies of the first,
ids sip, sip2, ...), and when EVENTS > 0 gives each a published calendar at ICS_BASE/pN.ics
holding EVENTS events from today on, written to DATA/ics/. The events: 45 minutes each on the
working hours of the next 90 days, half in Europe/Athens and half in Outlook's Windows name for
it, one in ten a weekly series, one in fifteen marked free (TRANSP:TRANSPARENT).
"""

import datetime
import pathlib
import re
import sys


def calendar(events: int, seed: int) -> str:
    today = datetime.date.today()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rantevou//load//EN"]
    for i in range(events):
        zone = "Europe/Athens" if i % 2 == 0 else "GTB Standard Time"
        day = today + datetime.timedelta(days=(i * 7 + seed) % 90)
        hour = 9 + (i + seed) % 6
        start = f"{day:%Y%m%d}T{hour:02}{15 * (i % 3):02}00"
        end_minute = 15 * (i % 3) + 45
        end = f"{day:%Y%m%d}T{hour + end_minute // 60:02}{end_minute % 60:02}00"
        lines += [
            "BEGIN:VEVENT",
            f"UID:load-{seed}-{i}@rantevou",
            f"DTSTART;TZID={zone}:{start}",
            f"DTEND;TZID={zone}:{end}",
            "SUMMARY:Busy",
        ]
        if i % 10 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=8")
        if i % 15 == 0:
            lines.append("TRANSP:TRANSPARENT")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def main() -> None:
    data, providers, events, base = (
        pathlib.Path(sys.argv[1]),
        int(sys.argv[2]),
        int(sys.argv[3]),
        sys.argv[4].rstrip("/"),
    )
    config = (data / "library.toml").read_text(encoding="utf-8")
    start = config.index("[[providers]]")
    end = config.index("[closures]")
    block = config[start:end]
    if 'id = "sip"' not in block or 'providers = ["sip"]' not in config:
        sys.exit("load_calendars.py: infra/library.toml no longer has the one provider sip")
    blocks = []
    ids = []
    for n in range(1, providers + 1):
        pid = "sip" if n == 1 else f"sip{n}"
        ids.append(pid)
        copy = block.replace('id = "sip"', f'id = "{pid}"')
        copy = copy.replace("sip@lib.uom.gr", f"{pid}@lib.uom.gr")
        if events > 0:
            copy = re.sub(
                r"^(meeting = .*)$",
                lambda m, n=n: f'{m.group(1)}\ncalendar = {{ kind = "ics", url = "{base}/p{n}.ics" }}',
                copy,
                count=1,
                flags=re.M,
            )
            (data / "ics").mkdir(exist_ok=True)
            (data / "ics" / f"p{n}.ics").write_text(calendar(events, n), encoding="utf-8")
        blocks.append(copy)
    listed = "providers = [" + ", ".join(f'"{p}"' for p in ids) + "]"
    config = config[:start] + "".join(blocks) + config[end:]
    config = config.replace('providers = ["sip"]', listed, 1)
    (data / "library.toml").write_text(config, encoding="utf-8")


if __name__ == "__main__":
    main()
