"""`recoup letters run --as-of DATE [--every-days N] [--json]`: send the statutory notices the close
recorded, then the strategies' letter, email and SMS treatments (at most once per account per
interval), and say how fast.

`recoup templates list [--channel C] [--json]` prints every template with its version in use;
`recoup templates publish FILE.json [--by USERNAME]` publishes a new version from a document
{"code", "channel", "subject", "body", "name", "language", "fields"}: fields are the merge fields
the sender supplies beyond the account's. A refusal names the field at fault.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

from recoup.cli.output import print_json, print_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    if parser.prog.endswith("letters"):
        run_parser = sub.add_parser(
            "run", help="send the strategies' letters, emails and SMS for a business date"
        )
        run_parser.add_argument(
            "--as-of", required=True, type=date.fromisoformat, help="business date, YYYY-MM-DD"
        )
        run_parser.add_argument(
            "--every-days", type=int, default=None, help="send one template at most this often"
        )
        run_parser.add_argument("--json", action="store_true", help="print the counts as JSON")
        return
    listing = sub.add_parser("list", help="every template and the version in use")
    listing.add_argument("--channel", default="", choices=["", "letter", "email", "sms"])
    listing.add_argument("--json", action="store_true")
    publish = sub.add_parser("publish", help="publish a new version of a template from a JSON document")
    publish.add_argument("file", type=Path)
    publish.add_argument("--by", default="", help="the publishing user's username (the system when omitted)")
    publish.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    if args.action == "run":
        return _letters_run(args)
    if args.action == "list":
        return _templates_list(args)
    return _template_publish(args)


def _letters_run(args: argparse.Namespace) -> int:
    from recoup.comms.batch import letter_run_after_close
    from recoup.kernel import clock

    started = time.perf_counter()
    counts = letter_run_after_close(as_of=args.as_of, at=clock.now(), every_days=args.every_days)
    seconds = time.perf_counter() - started
    per_second = round(counts.get("letter", 0) / seconds, 1) if seconds > 0 else 0.0
    if args.json:
        print_json(
            {"as_of": args.as_of, **counts, "seconds": round(seconds, 2), "letters_per_second": per_second}
        )
        return 0
    print(f"letters as of {args.as_of}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
    print(f"{seconds:.1f} s, {per_second} letters a second")
    return 0


def _templates_list(args: argparse.Namespace) -> int:
    from recoup.comms.queries import templates_current

    lines = templates_current(channel=args.channel)
    if args.json:
        print_json([line.__dict__ for line in lines])
        return 0
    print_table(
        ["code", "channel", "language", "version", "name", "published"],
        [
            [
                t.code,
                t.channel,
                t.language,
                str(t.version),
                t.name,
                f"{t.published_at:%Y-%m-%d} {t.published_by}",
            ]
            for t in lines
        ],
        right={3},
    )
    return 0


def _template_publish(args: argparse.Namespace) -> int:
    from recoup.access.models import User
    from recoup.comms.errors import InvalidTemplate
    from recoup.comms.operations import template_version_publish
    from recoup.kernel import clock

    try:
        document = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InvalidTemplate(
            f"file: {args.file} is not a readable JSON document ({error})", field="file"
        ) from None
    if not isinstance(document, dict):
        raise InvalidTemplate(
            "file: the document is an object with code, channel, subject and body", field="file"
        )
    by = None
    if args.by:
        by = User.objects.filter(username=args.by).first()
        if by is None:
            raise InvalidTemplate(f"by: no user {args.by!r}", field="by")
    version = template_version_publish(
        code=str(document.get("code", "")),
        channel=str(document.get("channel", "")),
        subject=str(document.get("subject", "")),
        body=str(document.get("body", "")),
        name=str(document.get("name", "")),
        language=str(document.get("language", "en")),
        fields=[str(f) for f in document.get("fields", [])],
        by=by,
        at=clock.now(),
    )
    result = {"code": document["code"], "channel": document["channel"], "version": version}
    if args.json:
        print_json(result)
    else:
        print(f"published {result['code']} ({result['channel']}) version {version}")
    return 0
