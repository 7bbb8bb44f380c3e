"""Face recognition of returning visitors (Qt-free): camera -> detection -> 128-d encoding -> decision.

    from core.visitors.recognition import Recognizer, Match, FaceUnavailable, open_camera

    rec = Recognizer(store)                 # store: core.visitors.store.VisitorStore (or None: in memory)
    rec.enroll(visitor_id, images)          # -> templates added (the store refuses without consent)
    rec.identify(images, candidates=None)   # -> Match(visitor_id, distance, margin, frames_agreeing) | None
    rec.decide(images)                      # -> Decision: match, or why not, or a shortlist for a 2nd factor
    rec.verify(visitor_id, images)          # -> Match | None (1:1, with a second factor)

face_recognition (dlib) is imported on first use; missing models raise FaceUnavailable.
"""
from core.visitors.recognition.camera import (Camera, FakeCamera, FolderCamera, OpenCVCamera, ThreadedCamera,
                               capture_frames, open_camera)
from core.visitors.recognition.decision import Decision, DecisionRule, Match
from core.visitors.recognition.engine import FaceCrop, FaceSample, FaceUnavailable, QualityGates, load_image
from core.visitors.recognition.gallery import Gallery, Neighbours
from core.visitors.recognition.recognizer import Recognizer

__all__ = ["Camera", "Decision", "DecisionRule", "FaceCrop", "FaceSample", "FaceUnavailable", "FakeCamera",
           "FolderCamera", "Gallery", "Match", "Neighbours", "OpenCVCamera", "QualityGates", "Recognizer",
           "ThreadedCamera", "capture_frames", "load_image", "open_camera"]
