"""The kiosk's own enrolment on the real window: face crops of a real person arrive from the camera worker while
they register; the scan screen says it is saving; the templates are the most diverse crops, jittered; a QR the
camera reads again enrols nothing more; the person is recognised on a later photo."""
from __future__ import annotations

import numpy as np
import pytest

from core.visitors.recognition import DecisionRule, Recognizer
from core.visitors.recognition.engine import analyse
from core.visitors.recognition.enrolment import ENROL_TEMPLATES
from core.visitors.texts import face_tr
from db.privacy_models import FaceTemplate
from tests.face_support import AN, count, face, open_consent, scanner_sends, see, settle, shot, tap
from tests.shared_faces import FACES, people

pytestmark = [pytest.mark.faces,
              pytest.mark.skipif(not (FACES / "manifest.csv").exists(),
                                 reason=f"face photos not found at {FACES} (set KIOSK_FACES_DIR)")]




def test_registration_enrols_the_crops_seen_while_registering(qtbot, kiosk, store):
    usable = []
    for photos in (v for v in people().values() if len(v) > ENROL_TEMPLATES):
        usable = [s for s in (analyse(p, keep_crop=True) for p in photos) if s.ok]
        if len(usable) > ENROL_TEMPLATES:               # the first person with enough usable photos
            break
    assert len(usable) > ENROL_TEMPLATES, "no sample person with enough usable photos"
    crops, later = [s.crop for s in usable[:-1]], usable[-1].encoding

    rec = Recognizer(store, rule=DecisionRule(min_frames=1))
    w, flow = kiosk(rec)
    open_consent(qtbot, w, face(7))                      # an unrecognised person took a ticket
    tap(qtbot, w.face.consent.agree)
    assert w.current() is w.face.scan
    see(w, crops)                                        # what the camera worker sends: FaceCrop objects
    assert len(flow.person.crops) == len(crops)

    scanner_sends(w.face.scan.input, AN)
    scanner_sends(w.face.scan.input, AN)                 # read again while the templates are computed
    assert w.face.scan.hint.text() == face_tr("vi", "scan_saving")
    shot(w, "scan_saving")
    settle(w, timeout_s=120)
    assert w.current() is w.face.message
    vid = store.find_by_id_number("001099012345")
    assert vid is not None
    assert count(store.engine, FaceTemplate) == ENROL_TEMPLATES   # once, from the crops, not twice
    assert len(flow.person.crops) == 0

    tap(qtbot, w.face.message.done_button)
    assert w.current() is w.home
    see(w, [later])                                      # a later photo of the same person
    assert w.visitor == vid
    stored = rec.gallery.templates_of(vid)
    plain = np.array([c.encoding for c in crops])
    for t in stored:                                     # jittered templates, each near one of the crops
        d = np.linalg.norm(plain - t, axis=1)
        assert 1e-4 < d.min() < 0.25
