from django.core.management.base import BaseCommand, CommandError

from apps.organizations.importer import import_file

# A bulk file touches up to a million units: print the first numbers only.
NUMBERS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import JSON of the Register of Business Enterprises: units, sub-units, "
        "the bulk array of units (also gzipped) and roles. Each file is imported "
        "whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths, **options):
        refused = 0
        for path in paths:
            result = import_file(path)
            if result.is_refused:
                refused += 1
                self.stderr.write(self._refusal(result))
                continue
            self.stdout.write(f"{result.name} ({result.kind}):")
            for line in self._changes(result):
                self.stdout.write(f"  {line}")

        if refused:
            raise CommandError(f"{refused} of {len(paths)} files refused.")
        self.stdout.write(self.style.SUCCESS(f"{len(paths)} files imported."))

    def _refusal(self, result):
        error = result.error
        return f"{result.name}: refused, at {error.where}: {error.message}"

    def _changes(self, result):
        if not result.has_changes:
            yield "no changes"
            return
        for action in ("created", "updated", "ended"):
            counts = +getattr(result, action)
            if not counts:
                continue
            what = ", ".join(
                f"{n} {thing}{'s' if n != 1 else ''}"
                for thing, n in sorted(counts.items())
            )
            yield f"{action}: {what}{self._numbers(result.numbers[action])}"

    def _numbers(self, numbers):
        if not numbers:
            return ""
        shown = sorted(numbers)[:NUMBERS_SHOWN]
        more = len(numbers) - len(shown)
        return f" [{' '.join(shown)}{f' and {more} more' if more else ''}]"
