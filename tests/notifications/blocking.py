"""An SMS transport that holds the worker in the middle of a send."""

import os
import time
from pathlib import Path

from apps.notifications.transports import FileSmsTransport


class BlockingFileSmsTransport(FileSmsTransport):
    """Wait while the file TAUSHET_TEST_HOLD exists, then write the SMS.

    Before waiting it writes the reference to the hold file's ".started"
    sibling, so that a test knows the worker is inside the send.
    """

    def send(self, *, to, text, reference):
        hold = Path(os.environ["TAUSHET_TEST_HOLD"])
        hold.with_suffix(".started").write_text(reference)
        while hold.exists():
            time.sleep(0.05)
        return super().send(to=to, text=text, reference=reference)
