"""The voice of the waiting room: Vietnamese number words, the call sentence, clips → WAV, an announcer.

Qt-free (checked by import-linter); playback through Qt lives in gui/audio.py.

    >>> from core.voice import call_sentence, number_to_words
    >>> number_to_words(1023)
    'một nghìn không trăm hai mươi ba'
    >>> call_sentence("A023", 3)
    'Mời công dân có số thứ tự A, hai mươi ba đến quầy số ba'
"""
from .announcer import Announcement, Announcer, CallRenderer, FakePlayer, Player
from .clips import ClipError, ClipLibrary, clip_file_names, read_wav, wav_bytes
from .numbers import LETTER_NAMES, VoiceError, label_words, number_to_words, number_words
from .sentence import (PHRASE_CALL, PHRASE_COUNTER, VoiceOptions, call_caption, call_sentence, call_tokens,
                       tokens_text)

__all__ = [
    "Announcement", "Announcer", "CallRenderer", "FakePlayer", "Player", "ClipError", "ClipLibrary",
    "clip_file_names", "read_wav", "wav_bytes", "LETTER_NAMES", "label_words", "number_to_words",
    "number_words", "PHRASE_CALL", "PHRASE_COUNTER", "VoiceOptions", "call_caption", "call_sentence",
    "call_tokens", "tokens_text", "VoiceError",
]
