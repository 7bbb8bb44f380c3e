"""The voice: number words (vectors from the domain file), the call sentence, clips → WAV, the CLI."""
from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st

from core.voice import (ClipError, ClipLibrary, VoiceOptions, call_caption, call_sentence, call_tokens,
                                   clip_file_names, label_words, number_to_words, read_wav, wav_bytes)
from core.voice import clips as clips_mod

REPO = Path(__file__).resolve().parent.parent
SOUNDS = REPO / "assets" / "sounds" / "vi"
VECTORS = [line.split("\t") for line in
           (Path(__file__).parent / "data" / "vi_numbers.tsv").read_text(encoding="utf-8").splitlines()[1:]
           if line.strip()]


@pytest.mark.parametrize("number,words", VECTORS, ids=[v[0] for v in VECTORS])
def test_northern_words_match_the_domain_vectors(number, words):
    assert number_to_words(int(number)) == words


@pytest.mark.parametrize("number,words", VECTORS, ids=[v[0] for v in VECTORS])
def test_southern_words_use_ngan_and_le(number, words):
    south = " ".join({"nghìn": "ngàn", "linh": "lẻ"}.get(w, w) for w in words.split())
    assert number_to_words(int(number), "south") == south


def test_tu_is_optional_and_only_after_tens_of_two_or_more():
    assert number_to_words(24) == "hai mươi bốn"
    assert number_to_words(24, four_as_tu=True) == "hai mươi tư"
    assert number_to_words(14, four_as_tu=True) == "mười bốn"
    assert number_to_words(104, four_as_tu=True) == "một trăm linh bốn"


def _words_to_number(text: str) -> int:
    """An independent reader of Vietnamese number words, to check the writer on any number."""
    digits = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
              "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
    scales = {"tỷ": 10 ** 9, "triệu": 10 ** 6, "nghìn": 1000, "ngàn": 1000}
    total = group = last = 0
    for word in text.split():
        if word in digits:
            last = digits[word]
            group += last
        elif word == "mười":
            group += 10
        elif word == "mươi":
            group += last * 9
        elif word == "trăm":
            group += last * 99
        elif word in scales:
            total += group * scales[word]
            group = 0
        else:
            assert word in ("linh", "lẻ"), word
    return total + group


@given(st.integers(0, 10 ** 12 - 1), st.sampled_from(["north", "south"]), st.booleans())
def test_any_number_reads_back_and_never_says_the_espeak_mistakes(n, dialect, tu):
    text = number_to_words(n, dialect, tu)
    assert _words_to_number(text) == n
    words = text.split()
    for before, after in zip(words, words[1:]):
        assert not (before in ("mười", "mươi") and after == "năm"), text      # 15 -> "mười lăm"
        assert not (before == "mươi" and after == "một"), text               # 21 -> "hai mươi mốt"
        assert not (before in ("linh", "lẻ") and after in ("lăm", "mốt")), text  # 105 -> "linh năm"


@pytest.mark.parametrize("bad", [-1, 10 ** 12, True, 1.5, "12"])
def test_bad_numbers_are_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        number_to_words(bad)


def test_labels_are_read_as_configured():
    assert " ".join(label_words("A023")) == "A , hai mươi ba"
    assert " ".join(label_words("a023", mode="digits")) == "A , không hai ba"
    assert " ".join(label_words("1023")) == number_to_words(1023)
    assert " ".join(label_words("B105", dialect="south")) == "B , một trăm lẻ năm"
    for bad in ("", "A?1", "Ω12"):
        with pytest.raises(ValueError) as info:
            label_words(bad)
        assert "Không đọc được" in str(info.value) or "Không có tên" in str(info.value)


def test_call_sentence_and_caption():
    assert call_sentence("A023", 3) == "Mời công dân có số thứ tự A, hai mươi ba đến quầy số ba"
    assert (call_sentence("1023", "15", VoiceOptions(dialect="south"))
            == "Mời công dân có số thứ tự một ngàn không trăm hai mươi ba đến quầy số mười lăm")
    assert call_caption("a023", 3) == "Mời công dân có số thứ tự A023 đến quầy số 3"
    with pytest.raises(ValueError, match="Số quầy"):
        call_sentence("A023", "ba")


def test_every_token_has_a_shipped_clip():
    library = ClipLibrary(SOUNDS)
    assert library.missing() == []
    names = list(clip_file_names().values())
    assert len(names) == len(set(names)), "two tokens share a file name"
    for path in SOUNDS.glob("*.wav"):
        with wave.open(str(path)) as w:
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000), path.name
            assert w.getnframes() > 1000, path.name  # not empty


def _frames(path: Path) -> int:
    with wave.open(str(path)) as w:
        return w.getnframes()


def _ms(ms: int) -> int:
    return round(16000 * ms / 1000)


def test_call_wav_has_the_expected_length():
    library = ClipLibrary(SOUNDS)
    options = VoiceOptions(repeat=1)
    data = library.call_wav("A023", 3, options)
    with wave.open(__import__("io").BytesIO(data)) as w:
        assert (w.getnchannels(), w.getframerate()) == (1, 16000)
        frames = w.getnframes()
    # chime, gap, then "phrase_call | A , hai mươi ba | phrase_counter | ba", twice with a gap between.
    files = ["phrase_call", "letter_a", "hai", "muwowi", "ba", "phrase_counter", "ba"]
    sentence = sum(_frames(SOUNDS / f"{f}.wav") for f in files)
    sentence += _ms(clips_mod.GAP_PHRASE_MS) * 3 + _ms(clips_mod.GAP_PAUSE_MS) + _ms(clips_mod.GAP_WORD_MS) * 2
    expected = _frames(SOUNDS / "chime.wav") + _ms(clips_mod.GAP_CHIME_MS) + 2 * sentence + _ms(clips_mod.GAP_REPEAT_MS)
    assert frames == expected
    samples = read_wav(data)
    assert np.max(np.abs(samples)) > 0.3  # there is sound in it, not silence


def test_a_replaced_clip_of_another_format_is_resampled(tmp_path):
    for src in SOUNDS.glob("*.wav"):
        (tmp_path / src.name).write_bytes(src.read_bytes())
    # a "real recording": 44.1 kHz stereo, 0.5 s of tone
    t = np.arange(22050) / 44100
    tone = (0.5 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    with wave.open(str(tmp_path / "ba.wav"), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(44100)
        w.writeframes(np.repeat(tone, 2).tobytes())
    library = ClipLibrary(tmp_path)
    assert len(library.clip("ba")) == 8000  # 0.5 s at 16 kHz, mono
    assert len(read_wav(library.call_wav("3", 3, VoiceOptions(repeat=0)))) > 8000 * 2


def test_missing_or_broken_clip_is_named_in_the_error(tmp_path):
    (tmp_path / "ba.wav").write_bytes(b"not a wav")
    library = ClipLibrary(tmp_path)
    with pytest.raises(ClipError, match="hỏng"):
        library.clip("ba")
    with pytest.raises(ClipError, match="Thiếu"):
        library.clip("hai")
    assert tmp_path / "chime.wav" in library.missing()


def test_wav_bytes_round_trip():
    samples = np.linspace(-0.5, 0.5, 1600, dtype=np.float32)
    back = read_wav(wav_bytes(samples))
    assert np.allclose(back, samples, atol=1e-4)


def test_cli_prints_the_sentence_and_writes_the_wav(tmp_path):
    cmd = [sys.executable, "-m", "core.voice", "--number", "1023", "--counter", "3", "--text"]
    env = {"PATH": "/usr/bin:/bin", "KIOSK_CONFIG": ""}
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, check=True).stdout
    assert out.strip() == "Mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số ba"
    wav = tmp_path / "out.wav"
    subprocess.run(cmd[:-1] + ["--wav", str(wav), "--repeat", "0"], cwd=REPO, env=env, check=True)
    assert wav.read_bytes() == ClipLibrary(SOUNDS).call_wav("1023", 3, VoiceOptions(repeat=0))
    bad = subprocess.run(cmd[:5] + ["--counter", "x"], capture_output=True, text=True, cwd=REPO, env=env)
    assert bad.returncode == 2 and "Số quầy" in bad.stderr


def test_tokens_cover_phrases_label_and_counter():
    tokens = call_tokens("C7", 21)
    assert tokens[0].startswith("Mời") and tokens[-3:] == ["hai", "mươi", "mốt"]
    assert "C" in tokens and "đến quầy số" in tokens
