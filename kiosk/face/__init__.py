"""Face recognition of returning visitors (Qt-free): camera -> detection -> 128-d encoding -> decision.

    from kiosk.face import Recognizer, Match, FaceUnavailable, open_camera

    rec = Recognizer(store)                 # store: kiosk.privacy.VisitorStore (or None: in memory)
    rec.enroll(visitor_id, images)          # -> templates added (the store refuses without consent)
    rec.identify(images, candidates=None)   # -> Match(visitor_id, distance, margin, frames_agreeing) | None
    rec.decide(images)                      # -> Decision: match, or why not, or a shortlist for a 2nd factor
    rec.verify(visitor_id, images)          # -> Match | None (1:1, with a second factor)

face_recognition (dlib) is imported on first use; missing models raise FaceUnavailable.
"""
from kiosk.face.camera import (Camera, FakeCamera, FolderCamera, OpenCVCamera, ThreadedCamera,
                               capture_frames, open_camera)
from kiosk.face.decision import Decision, DecisionRule, Match
from kiosk.face.engine import FaceSample, FaceUnavailable, QualityGates, load_image
from kiosk.face.gallery import Gallery, Neighbours
from kiosk.face.recognizer import Recognizer

__all__ = ["Camera", "Decision", "DecisionRule", "FaceSample", "FaceUnavailable", "FakeCamera",
           "FolderCamera", "Gallery", "Match", "Neighbours", "OpenCVCamera", "QualityGates", "Recognizer",
           "ThreadedCamera", "capture_frames", "load_image", "open_camera"]
