"""Make the demo media committed in preceptor/magazine/demo_media/ (run once; needs Pillow and the DejaVu fonts).

For each demo article: a 960×540 JPEG cover in the look of the course covers (the brand's teal, the "Preceptor"
bar, the title, the specialty, a drawn motif); and the inline figure of the hyperkalaemia article (a normal and a
peaked T wave). `seed_demo` only copies these files; it never runs this.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from preceptor.magazine.demo_content import ARTICLES  # noqa: E402 - after the checkout is put on sys.path above

OUT = ROOT / "preceptor" / "magazine" / "demo_media"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
W, H = 960, 540
TEAL, TEAL_DARK, PALE, ACCENT = (15, 92, 110), (10, 68, 82), (159, 211, 223), (217, 130, 43)


def wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) > width and line:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line]


def ecg(x0: float, x1: float, y: float, amplitude: float, peaked: bool = False) -> list[tuple[float, float]]:
    """A stylised ECG trace from x0 to x1 around baseline y: P, QRS, T repeated."""
    points, beat = [], 180.0
    x = x0
    while x < x1:
        t = (x - x0) % beat / beat
        v = 0.0
        v += 0.12 * math.exp(-(((t - 0.15) / 0.03) ** 2))  # P
        v -= 0.15 * math.exp(-(((t - 0.27) / 0.008) ** 2))  # Q
        v += 1.0 * math.exp(-(((t - 0.30) / 0.012) ** 2))  # R
        v -= 0.25 * math.exp(-(((t - 0.33) / 0.01) ** 2))  # S
        v += (0.7 if peaked else 0.28) * math.exp(-(((t - 0.55) / (0.035 if peaked else 0.06)) ** 2))  # T
        points.append((x, y - v * amplitude))
        x += 1.5
    return points


def motif(draw: ImageDraw.ImageDraw, slug: str) -> None:
    if "x-ray" in slug:
        for i in range(7):
            r = 70 + i * 26
            draw.arc((W - 330 - r // 3, 430 - r // 2, W - 330 + r, 430 + r // 2), 200, 340, fill=PALE, width=4)
    elif "echo" in slug or "views" in slug:
        draw.pieslice((W - 420, 200, W + 60, 680), 235, 305, outline=PALE, width=4)
        draw.ellipse((W - 230, 400, W - 150, 460), outline=ACCENT, width=4)
    elif "sglt2" in slug:
        draw.ellipse((W - 330, 300, W - 230, 420), outline=PALE, width=5)  # kidney, roughly
        draw.ellipse((W - 300, 330, W - 262, 390), outline=TEAL, width=0, fill=TEAL)
        heart = [(W - 130, 330), (W - 80, 300), (W - 40, 330), (W - 130, 430), (W - 220, 330), (W - 180, 300)]
        draw.line([*heart, heart[0]], fill=ACCENT, width=5, joint="curve")
    elif "troponin" in slug:
        curve = [(W - 420 + i * 4, 490 - 180 / (1 + math.exp(-(i - 45) / 9))) for i in range(100)]
        draw.line(curve, fill=ACCENT, width=5)
        draw.line([(W - 430, 430), (W - 20, 430)], fill=PALE, width=2)
    else:
        draw.line(ecg(40, W - 40, 470, 60, peaked="hyperkal" in slug), fill=ACCENT, width=4)


def cover(article: dict) -> None:
    image = Image.new("RGB", (W, H), TEAL)
    draw = ImageDraw.Draw(image)
    for y in range(H):  # a soft vertical gradient
        shade = tuple(int(a + (b - a) * y / H) for a, b in zip(TEAL, TEAL_DARK, strict=True))
        draw.line([(0, y), (W, y)], fill=shade)
    draw.rectangle((0, 0, W, 64), fill=TEAL_DARK)
    draw.text((32, 18), "Preceptor", font=ImageFont.truetype(FONT_BOLD, 26), fill="white")
    label = ImageFont.truetype(FONT, 20)
    draw.text((W - 32 - draw.textlength("Magazine", font=label), 22), "Magazine", font=label, fill=PALE)
    motif(draw, article["slug"])
    draw.text(
        (48, 100), " · ".join(article["specialties"]).upper(), font=ImageFont.truetype(FONT_BOLD, 18), fill=ACCENT
    )
    title = ImageFont.truetype(FONT_BOLD, 40)
    for n, line in enumerate(wrap(draw, article["title"], title, W - 120)[:4]):
        draw.text((48, 140 + n * 52), line, font=title, fill="white")
    image.save(OUT / f"{article['slug']}.jpg", "JPEG", quality=82, optimize=True)


def peaked_t_figure(name: str) -> None:
    image = Image.new("RGB", (900, 320), "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, 900, 15):  # ECG paper
        draw.line([(x, 0), (x, 320)], fill=(250, 214, 214) if x % 75 else (240, 170, 170), width=1)
    for y in range(0, 320, 15):
        draw.line([(0, y), (900, y)], fill=(250, 214, 214) if y % 75 else (240, 170, 170), width=1)
    font = ImageFont.truetype(FONT_BOLD, 20)
    for x0, peaked, text in ((20, False, "Normal T wave"), (470, True, "Peaked T wave (hyperkalaemia)")):
        draw.line(ecg(x0, x0 + 400, 230, 150, peaked=peaked), fill=(20, 35, 43), width=3)
        draw.text((x0 + 10, 16), text, font=font, fill=(20, 35, 43))
    image.save(OUT / name, "PNG", optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for article in ARTICLES:
        cover(article)
        if article.get("figure"):
            peaked_t_figure(article["figure"][0])


if __name__ == "__main__":
    main()
