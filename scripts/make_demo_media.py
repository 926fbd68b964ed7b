"""Make the demo media committed in preceptor/catalog/demo_media/ (run once; needs ffmpeg and espeak-ng).

For each demo course: a short narrated WebM video whose slides show the caption text, WebVTT captions timed
to the narration, and a one-page PDF handout. `seed_demo` only copies these files; it never runs this.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from preceptor.catalog.demo_content import COURSES  # noqa: E402 -- after the checkout is put on sys.path

OUT = ROOT / "preceptor" / "catalog" / "demo_media"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
GAP = 0.6  # seconds of silence between cues


def speak(text: str, path: Path) -> float:
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(path), text], check=True)
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\u2019").replace(",", "\\,")


def wrap(text: str, width: int = 38) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def make_video(course: dict, tmp: Path) -> dict:
    cues, start, parts = [], 0.3, []
    for i, text in enumerate(course["video"]["cues"]):
        wav = tmp / f"cue{i}.wav"
        length = speak(text, wav)
        cues.append((start, start + length, text))
        parts.append((wav, start))
        start += length + GAP
    duration = round(start + 0.4, 2)
    filters = [
        "drawbox=x=0:y=0:w=iw:h=56:color=0x0a4452:t=fill",
        f"drawtext=fontfile={FONT_BOLD}:text='Preceptor':x=24:y=16:fontsize=22:fontcolor=white",
        f"drawtext=fontfile={FONT}:text='{escape(course['title'])}':x=w-tw-24:y=20:fontsize=16:fontcolor=0x9fd3df",
        f"drawtext=fontfile={FONT_BOLD}:text='{escape(course['video']['title'])}':x=40:y=96:fontsize=34:fontcolor=white",
        f"drawbox=x=0:y=ih-8:w='iw*t/{duration}':h=8:color=0xd9822b:t=fill",
    ]
    for begin, end, text in cues:
        for n, line in enumerate(wrap(text)):
            filters.append(
                f"drawtext=fontfile={FONT}:text='{escape(line)}':x=40:y={170 + n * 38}:fontsize=28:"
                f"fontcolor=0xe4eff2:enable='between(t,{begin:.2f},{end + GAP:.2f})'"
            )
    inputs, mix = [], []
    for i, (wav, begin) in enumerate(parts):
        inputs += ["-i", str(wav)]
        mix.append(f"[{i + 1}:a]adelay={int(begin * 1000)}|{int(begin * 1000)}[a{i}]")
    audio = (
        ";".join(mix)
        + ";"
        + "".join(f"[a{i}]" for i in range(len(parts)))
        + f"amix=inputs={len(parts)}:normalize=0[aout]"
    )
    video_path = OUT / f"{course['slug']}.webm"
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"color=c=0x0f5c6e:s=640x360:d={duration}:r=24",
            *inputs,
            "-filter_complex",
            f"[0:v]{','.join(filters)}[vout];{audio}",
            "-map",
            "[vout]",
            "-map",
            "[aout]",
            "-t",
            str(duration),
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "120k",
            "-crf",
            "40",
            "-deadline",
            "good",
            "-c:a",
            "libopus",
            "-b:a",
            "24k",
            str(video_path),
        ],
        check=True,
    )
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-ss",
            f"{cues[0][0] + 1:.2f}",
            "-i",
            str(video_path),
            "-frames:v",
            "1",
            "-q:v",
            "4",
            str(OUT / f"{course['slug']}.jpg"),
        ],
        check=True,
    )
    vtt = ["WEBVTT", ""]
    for n, (begin, end, text) in enumerate(cues, 1):
        vtt += [str(n), f"{vtt_time(begin)} --> {vtt_time(end)}", text, ""]
    (OUT / f"{course['slug']}.vtt").write_text("\n".join(vtt), encoding="utf-8")
    return {"duration": duration}


def make_pdf(title: str, lines: list[str], path: Path) -> None:
    """A one-page PDF with a title and lines of text (Helvetica, no dependencies)."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = ["BT", "/F2 20 Tf", "56 770 Td", f"({esc(title)}) Tj", "/F1 12 Tf", "0 -36 Td"]
    for line in lines:
        text += [f"({esc(line)}) Tj", "0 -22 Td"]
    text += ["/F1 9 Tf", "0 -30 Td", "(Preceptor demo handout - not accredited content.) Tj", "ET"]
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    durations = {}
    with tempfile.TemporaryDirectory() as tmp:
        for course in COURSES:
            durations[course["slug"]] = make_video(course, Path(tmp))["duration"]
            title, lines = course["handout"]
            make_pdf(title, lines, OUT / f"{course['slug']}.pdf")
    (OUT / "durations.json").write_text(json.dumps(durations, indent=2) + "\n")
    print(json.dumps(durations, indent=2))


if __name__ == "__main__":
    main()
