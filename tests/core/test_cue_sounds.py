"""The cue themes: each one keeps the rules a person face down relies on, and
each one sounds measurably unlike the others."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest

from psoas_timer.core.cue_sounds import (
    CUE_NAMES,
    CUE_THEMES,
    RATE,
    CueTheme,
    cue_file_name,
    cue_samples,
)

THEMES: tuple[CueTheme, ...] = tuple(CUE_THEMES)


def centroid_hz(samples: np.ndarray) -> float:
    """The spectral centroid: where the sound's energy sits, low or bright."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1 / RATE)
    return float((spectrum * freqs).sum() / spectrum.sum())


def ring_s(samples: np.ndarray) -> float:
    """How long the sound stays within 20 dB of its peak, from its peak (5 ms frames)."""
    hop = int(0.005 * RATE)
    frames = np.abs(samples[: len(samples) // hop * hop]).reshape(-1, hop).max(axis=1)
    peak = int(np.argmax(frames))
    loud = np.nonzero(frames >= frames[peak] / 10)[0]
    return float((loud[-1] - peak + 1) * hop / RATE)


def pitch_track(samples: np.ndarray, parts: int = 4) -> list[float]:
    """The dominant frequency of the loud part of each successive piece of a cue."""
    hop = int(0.005 * RATE)
    frames = np.abs(samples[: len(samples) // hop * hop]).reshape(-1, hop).max(axis=1)
    loud = np.nonzero(frames >= frames.max() / 8)[0]
    start, end = loud[0] * hop, (loud[-1] + 1) * hop
    pieces = np.array_split(samples[start:end], parts)
    found = []
    for piece in pieces:
        spectrum = np.abs(np.fft.rfft(piece * np.hanning(len(piece)), n=1 << 15))
        found.append(float(np.fft.rfftfreq(1 << 15, 1 / RATE)[int(np.argmax(spectrum))]))
    return found


@pytest.fixture(scope="module")
def cues() -> dict[tuple[CueTheme, str], np.ndarray]:
    return {
        (theme, name): np.array(cue_samples(theme, name)) for theme in THEMES for name in CUE_NAMES
    }


def test_there_are_three_themes_each_with_every_cue() -> None:
    assert len(THEMES) >= 3
    for theme in THEMES:
        assert set(CUE_THEMES[theme].shapes) == set(CUE_NAMES)
    labels = [cue_set.label for cue_set in CUE_THEMES.values()]
    assert len(set(labels)) == len(labels)


def test_every_cue_is_in_range_and_starts_and_ends_quietly(
    cues: dict[tuple[CueTheme, str], np.ndarray],
) -> None:
    for (theme, name), samples in cues.items():
        peak = np.abs(samples).max()
        assert 0.2 < peak <= 0.95, (theme, name, peak)  # audible, never clipped
        assert abs(samples[0]) < 0.05 and abs(samples[-1]) < 0.02, (theme, name)
        assert 0.05 < len(samples) / RATE < 2.0, (theme, name)


@pytest.mark.parametrize("theme", THEMES)
def test_in_rises_and_out_falls_in_every_theme(
    cues: dict[tuple[CueTheme, str], np.ndarray], theme: CueTheme
) -> None:
    early, *_, late = pitch_track(cues[theme, "inhale"])
    assert late > early * 1.04, (theme, early, late)
    early, *_, late = pitch_track(cues[theme, "exhale"])
    assert late < early / 1.04, (theme, early, late)
    # And the two are not one sound played twice.
    assert not np.array_equal(cues[theme, "inhale"][:1000], cues[theme, "exhale"][:1000])


@pytest.mark.parametrize("theme", THEMES)
def test_the_four_cues_of_a_theme_are_distinct(
    cues: dict[tuple[CueTheme, str], np.ndarray], theme: CueTheme
) -> None:
    for a, b in itertools.combinations(CUE_NAMES, 2):
        x, y = cues[theme, a], cues[theme, b]
        n = min(len(x), len(y))
        assert len(x) != len(y) or not np.allclose(x[:n], y[:n]), (theme, a, b)


@pytest.mark.parametrize("name", CUE_NAMES)
def test_each_themes_cue_differs_measurably_from_the_other_themes(
    cues: dict[tuple[CueTheme, str], np.ndarray], name: str
) -> None:
    measured = {
        theme: (centroid_hz(cues[theme, name]), ring_s(cues[theme, name])) for theme in THEMES
    }
    for a, b in itertools.combinations(THEMES, 2):
        (centroid_a, ring_a), (centroid_b, ring_b) = measured[a], measured[b]
        brighter = max(centroid_a, centroid_b) / min(centroid_a, centroid_b)
        longer = max(ring_a, ring_b) / min(ring_a, ring_b)
        assert brighter > 1.25 or longer > 1.8, (name, a, b, measured)
    # The shape of each theme, as its name promises.
    assert measured["bowl"][1] > 1.8 * measured["glide"][1]  # a slow decay
    assert measured["wood"][1] < measured["glide"][1] / 2  # a short knock


def test_bowl_partials_are_inharmonic() -> None:
    samples = np.array(cue_samples("bowl", "exhale"))[: int(0.3 * RATE)]
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)), n=1 << 16))
    freqs = np.fft.rfftfreq(1 << 16, 1 / RATE)
    fundamental = freqs[int(np.argmax(spectrum))]
    upper = freqs[int(np.argmax(np.where(freqs > fundamental * 1.5, spectrum, 0)))]
    ratio = upper / fundamental
    assert abs(ratio - round(ratio)) > 0.15, ratio  # not a whole-number overtone


def test_file_names_differ_by_theme_and_cue() -> None:
    names = {cue_file_name(theme, name) for theme in THEMES for name in CUE_NAMES}
    assert len(names) == len(THEMES) * len(CUE_NAMES)
    assert all(Path(name).suffix == ".wav" for name in names)


def test_unknown_theme_or_cue_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        cue_samples("gong", "inhale")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        cue_samples("bowl", "cough")


def test_cue_files_are_valid_wav(tmp_path: Path) -> None:
    # The files themselves are written by services/sound.py; this reads them back.
    from psoas_timer.services.sound import cue_files

    for theme in THEMES:
        files = cue_files(tmp_path, theme)
        assert set(files) == set(CUE_NAMES)
        for name, path in files.items():
            with wave.open(str(path)) as handle:
                assert (handle.getframerate(), handle.getnchannels(), handle.getsampwidth()) == (
                    RATE,
                    1,
                    2,
                )
                frames = handle.getnframes()
                data = np.frombuffer(handle.readframes(frames), dtype=np.int16)
            assert frames == len(cue_samples(theme, name)) == len(data)
            assert np.abs(data).max() > 0.2 * 32767
