"""The kiosk's one background worker: every queue and printer call runs here, never on the GUI thread.

    backend = KioskBackend(open_service, cfg)      # starts its worker thread (gui.worker.WorkerThread)
    backend.refreshed.connect(...)                 # HomeData (office + fields)
    backend.refresh(); backend.issue(TicketRequest(...))
    backend.stop()                                 # on quit: the thread ends before the app does

Requests are handled one at a time, in order, on the worker thread (the database connection stays with
the thread that uses it). Results come back as signals, delivered on the GUI thread.
"""
from __future__ import annotations

import logging
import string
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from db import FieldInfo, IssuedTicket, OfficeInfo, QueueError, Unavailable, rating
from printer.texts import WORDS as PRINTER_WORDS
from printer import PrintResult, PrintStatus, Ticket, print_ticket

from core.config import AppConfig
from core.logs import OncePerCause
from gui.worker import WorkerThread
from .i18n import priority_label

log = logging.getLogger(__name__)
log.addFilter(OncePerCause())      # retried every 3 s: one line per cause, not 1,200 an hour

ISSUE_ATTEMPTS = 3          # one tap: the first try and two retries under the same request id
ISSUE_RETRY_PAUSE_S = 0.3
ISSUE_RETRY_WITHIN_S = 1.0  # only a fast failure is retried: a silent network shows "unavailable" in < 5 s


@dataclass(frozen=True)
class TicketRequest:
    field_code: str
    procedure: str | None = None
    priority: str | None = None       # a db.PRIORITY_REASONS code
    visitor: int | None = None        # a consenting returning visitor (face recognition)
    language: str = "vi"              # the language the citizen chose: the ticket is printed in it
    request_id: str = ""              # "" -> a fresh UUID per tap; stored with the ticket, so a retry
                                      # after a lost reply returns the same number (never a second one)

    def __post_init__(self) -> None:
        if not self.request_id:
            object.__setattr__(self, "request_id", str(uuid.uuid4()))


@dataclass(frozen=True)
class HomeData:
    office: OfficeInfo
    fields: tuple[FieldInfo, ...]


@dataclass(frozen=True)
class IssueResult:
    request: TicketRequest
    issued: IssuedTicket


@dataclass(frozen=True)
class IssueFailure:
    request: TicketRequest
    error: QueueError


@dataclass(frozen=True)
class PrintOutcome:
    request: TicketRequest
    issued: IssuedTicket
    result: PrintResult
    staff_told: bool                  # the fault reached the staff through the queue's event feed


def ticket_qr(template: str, **values: str) -> str | None:
    """The QR payload from the ``ticket_qr`` template, or None — no QR at all — when the template uses a
    value this ticket does not have (a ticket without a procedure: "https://dvc.example/" would lead
    nowhere) or cannot be filled."""
    if not template:
        return None
    try:
        used = {name.split(".")[0].split("[")[0] for _text, name, _spec, _conv in string.Formatter().parse(template)
                if name}
        if any(not values.get(name) for name in used):
            return None
        return template.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError):
        log.warning("ticket_qr template %r cannot be filled; printing without a QR code", template)
        return None


def build_ticket(cfg: AppConfig, office: OfficeInfo, issued: IssuedTicket, language: str) -> Ticket:
    """The printer's plain ticket data for an issued number, in the citizen's language."""
    t = issued.ticket
    en = language == "en"
    procedure = (t.procedure_name_en if en else t.procedure_name_vi) if t.procedure_code else None
    caption = None
    if office.kiosk_rating and issued.rating_code:
        # one QR per ticket: when the centre rates at the kiosk it carries the rating code, not ticket_qr
        qr, caption = rating.qr_payload(issued.rating_code), PRINTER_WORDS.text(language, "ticket_rating_qr")
    else:
        qr = ticket_qr(cfg.ticket_qr, label=t.label, field_code=t.field_code,
                       procedure_code=t.procedure_code or "", national_code="")
    return Ticket(centre_name=office.name(language), label=t.label,
                  field_name=t.field_name_en if en else t.field_name_vi, procedure_name=procedure,
                  counters=[str(c) for c in issued.counters], waiting_ahead=issued.waiting_ahead,
                  estimated_wait_min=issued.estimated_wait_min, issued_at=t.issued_at,
                  priority_reason=priority_label(t.priority_reason, language), language=language,
                  qr_payload=qr, qr_caption=caption)


class KioskWorker(QObject):
    """Lives on the worker thread. Never raises: trouble becomes a signal the screens can show."""

    refreshed = Signal(object)        # HomeData
    unavailable = Signal(object)      # QueueError: the database cannot be used right now
    issued = Signal(object)           # IssueResult: the number exists; printing starts now
    issue_failed = Signal(object)     # IssueFailure: no number was issued
    printed = Signal(object)          # PrintOutcome

    def __init__(self, open_service: Callable[[], Any], cfg: AppConfig,
                 print_fn: Callable[..., PrintResult] = print_ticket):
        super().__init__()
        self.open_service = open_service
        self.cfg = cfg
        self.print_fn = print_fn
        self._svc = None
        self._office: OfficeInfo | None = None
        self._served: set[int] = set()
        self._lock = threading.Lock()
        # the last issue failed on a database that reads but does not write (read-only, corrupt pages): until
        # a write works again the kiosk stays on its "unavailable" screen instead of offering the home screen
        # to the next citizen, who would meet the same failure
        self.write_fault: QueueError | None = None
        self._untold: dict[str, str] = {}   # problems for the staff (QueueService.report_kiosk_problem) not sent yet

    def _service(self):
        if self._svc is None:
            self._svc = self.open_service()
        return self._svc

    def _drop_service(self) -> None:
        """After a database failure: open a fresh service (new connections) on the next call."""
        with self._lock:
            svc, self._svc = self._svc, None
        if svc is not None:
            try:
                svc.close()
            except Exception:  # noqa: BLE001 - closing a broken connection must not stop the kiosk
                log.exception("closing the queue service failed")

    @Slot()
    def refresh(self) -> None:
        try:
            svc = self._service()
            office = svc.office_info()
            fields = svc.fields()
        except QueueError as exc:
            self._drop_service()
            self.unavailable.emit(exc)
            return
        except Exception as exc:  # noqa: BLE001 - e.g. a corrupt file: show the calm screen, keep retrying
            log.error("refresh failed: %s: %s", type(exc).__name__, exc, exc_info=True)
            self._drop_service()
            self.unavailable.emit(_as_unavailable(exc))
            return
        if self.write_fault is not None:
            try:
                self._probe_write(svc)
            except Exception as exc:  # noqa: BLE001 - still unwritable: stay on the calm screen
                error = exc if isinstance(exc, QueueError) else _as_unavailable(exc)
                self._drop_service()
                self.unavailable.emit(error)
                return
            log.info("the database accepts writes again")
            self.write_fault = None
        self._office = office
        self._tell(svc)
        self.refreshed.emit(HomeData(office, fields))

    @Slot(str, str)
    def report_problem(self, problem: str, detail: str) -> None:
        """Tell the staff (an event the counter windows show); kept and sent again after the next refresh
        while the database cannot be written."""
        self._untold[problem] = detail
        try:
            self._tell(self._service())
        except Exception:  # noqa: BLE001 - the next successful refresh tries again
            pass

    def _tell(self, svc) -> None:
        for problem, detail in list(self._untold.items()):
            try:
                svc.report_kiosk_problem(self.cfg.kiosk_id, problem, detail)
            except Exception as exc:  # noqa: BLE001 - kept for the next refresh
                log.warning("could not tell the staff about %s (%s): will retry", problem, exc)
                return
            del self._untold[problem]

    @staticmethod
    def _probe_write(svc) -> None:
        """Open a write transaction that changes nothing: a read-only file, a read-only server or a
        query-only connection refuses it as soon as the statement starts."""
        from sqlalchemy import text
        with svc.connection() as conn:
            conn.execute(text("UPDATE number_sequences SET last_number = last_number WHERE 1 = 0"))

    @Slot(object)
    def issue(self, request: TicketRequest) -> None:
        if request.request_id in self._served:
            log.warning("request %s already served; not issuing twice", request.request_id)
            return
        self._served.add(request.request_id)
        try:
            svc, issued = self._issue_with_retries(request)
            office = self._office or svc.office_info()
        except QueueError as exc:
            if isinstance(exc, Unavailable):
                self._drop_service()
                self.write_fault = exc
            else:      # closed, cap reached, nobody serving...: the technician sees why citizens were refused
                log.warning("issue refused for field %s: %s: %s", request.field_code, type(exc).__name__,
                            exc.message_en)
            self.issue_failed.emit(IssueFailure(request, exc))
            return
        except Exception as exc:  # noqa: BLE001
            log.exception("issue failed")
            self._drop_service()
            self.write_fault = _as_unavailable(exc)
            self.issue_failed.emit(IssueFailure(request, self.write_fault))
            return
        self.issued.emit(IssueResult(request, issued))
        self._print(svc, office, request, issued)

    def _issue_with_retries(self, request: TicketRequest):
        """Issue under the tap's request id; when the database is unavailable (a lost reply, a dropped
        connection) try again with a fresh connection and the same id before giving up."""
        started = time.monotonic()
        for attempt in range(ISSUE_ATTEMPTS):
            svc = self._service()
            try:
                return svc, svc.issue(request.field_code, procedure=request.procedure, priority=request.priority,
                                      visitor=request.visitor, kiosk=self.cfg.kiosk_id,
                                      request_id=request.request_id)
            except Unavailable:
                self._drop_service()
                if attempt == ISSUE_ATTEMPTS - 1 or time.monotonic() - started > ISSUE_RETRY_WITHIN_S:
                    raise
                log.warning("issue %s: database unavailable, retrying with the same request id",
                            request.request_id)
                time.sleep(ISSUE_RETRY_PAUSE_S)
        raise AssertionError("unreachable")

    def _print(self, svc, office: OfficeInfo, request: TicketRequest, issued: IssuedTicket) -> None:
        try:
            ticket = build_ticket(self.cfg, office, issued, request.language)
            result = self.print_fn(ticket, self.cfg.resolved_printer, self.cfg.paper_width)
        except Exception as exc:  # noqa: BLE001 - the number stays valid whatever the printer does
            log.exception("printing failed")
            result = PrintResult(PrintStatus.ERROR, f"{exc.__class__.__name__}: {exc}")
        detail = result.staff_message("vi") + (f" [{result.detail}]" if result.detail else "")
        try:
            svc.record_print(issued.label, result.status.value, f"{self.cfg.kiosk_id}: {detail}")
            staff_told = True
        except Exception:  # noqa: BLE001 - the ticket stands; the log keeps the fault
            log.exception("could not record the print result of %s (%s)", issued.label, result.status.value)
            staff_told = False
        self.printed.emit(PrintOutcome(request, issued, result, staff_told))

    def close(self) -> None:
        """Runs in the worker thread as it ends (WorkerThread)."""
        self._drop_service()


def _as_unavailable(exc: Exception) -> Unavailable:
    err = Unavailable("Không dùng được cơ sở dữ liệu, vui lòng thử lại sau",
                      "The database cannot be used, please retry later")
    err.__cause__ = exc
    return err


class KioskBackend(QObject):
    """The window's side of the queue worker: calls return at once; results arrive as signals."""

    _refresh_requested = Signal()
    _issue_requested = Signal(object)
    _problem_reported = Signal(str, str)

    def __init__(self, open_service: Callable[[], Any], cfg: AppConfig, parent: QObject | None = None,
                 print_fn: Callable[..., PrintResult] = print_ticket):
        super().__init__(parent)
        self.worker = KioskWorker(open_service, cfg, print_fn)
        self._refresh_requested.connect(self.worker.refresh)
        self._issue_requested.connect(self.worker.issue)
        self._problem_reported.connect(self.worker.report_problem)
        self.refreshed, self.unavailable = self.worker.refreshed, self.worker.unavailable
        self.issued, self.issue_failed, self.printed = (self.worker.issued, self.worker.issue_failed,
                                                        self.worker.printed)
        self._refresh_pending = False
        self.refreshed.connect(self._refresh_done)
        self.unavailable.connect(self._refresh_done)
        self.worker_thread = WorkerThread(self.worker, "kiosk-queue")

    @property
    def thread(self) -> QThread:
        return self.worker_thread.thread

    def refresh(self) -> None:
        """Ask for fresh office data; requests made while one is pending are merged into it."""
        if not self._refresh_pending:
            self._refresh_pending = True
            self._refresh_requested.emit()

    @Slot(object)
    def _refresh_done(self, _data) -> None:
        self._refresh_pending = False

    def issue(self, request: TicketRequest) -> None:
        self._issue_requested.emit(request)

    def report_problem(self, problem: str, detail: str = "") -> None:
        """Tell the staff the kiosk runs degraded (db QueueService.KIOSK_PROBLEMS)."""
        self._problem_reported.emit(problem, detail)

    def stop(self) -> None:
        """End the worker thread (after the call in progress); the database connections close in it."""
        self.worker_thread.stop()
