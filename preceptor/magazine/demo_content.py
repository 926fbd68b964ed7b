"""Demo articles for ``seed_demo``: six short clinical pieces by the demo teacher and the editorial team. Covers
and the one inline figure live in ``magazine/demo_media/`` (made by ``scripts/make_magazine_media.py``).

Written for the demo: clinically plausible and checked against current guidance for obvious errors, but not
peer-reviewed education; each article ends with a line saying so.
"""

from __future__ import annotations

from typing import Any

DEMO_NOTE = "\n\n---\n\n*Demo content for evaluating Preceptor. Not peer-reviewed; follow your local guidelines.*"

# {figure} in a body is replaced by the Markdown of the article's uploaded figure (``figure`` names its file).
ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "sepsis-the-first-hour",
        "title": "Sepsis in the first hour: what the bundle really asks of you",
        "lead": "Lactate, cultures, antibiotics, fluids and pressors: the order matters less than not losing the "
        "hour. A practical walk through the Surviving Sepsis hour-1 bundle.",
        "specialties": ["Emergency medicine", "Infectious diseases"],
        "courses": ["emergency-medicine-first-hour", "lab-values-made-simple"],
        "author": "teacher",
        "days_ago": 3,
        "cover_alt": "Title card reading “Sepsis in the first hour” over a stylised vital-signs trace.",
        "body": """Sepsis is life-threatening organ dysfunction caused by a dysregulated host response to infection.
Every hour of delay to effective antibiotics in septic shock is associated with higher mortality, which is why
the Surviving Sepsis Campaign condenses the first steps into an **hour-1 bundle**.

## The five elements

1. **Measure lactate**, and measure it again within 2–4 hours if the first value is above 2 mmol/L.
2. **Take blood cultures before antibiotics** — but never let cultures delay antibiotics.
3. **Give broad-spectrum antibiotics**: within one hour when shock is present or sepsis is probable.
4. **Start 30 mL/kg of balanced crystalloid** for hypotension or a lactate of 4 mmol/L or more.
5. **Start a vasopressor** if the mean arterial pressure stays below 65 mmHg during or after fluids.
   Noradrenaline is the first choice, and it can run through a good peripheral line while central access waits.

## Where the hour gets lost

- Waiting for a full set of results before calling it sepsis. Screening scores such as qSOFA are poor at ruling
  sepsis *out*; a patient who looks unwell with a plausible source deserves the bundle.
- Antibiotics prescribed but not hung. Time to the first dose, not to the prescription, is what counts.
- Fluids given as a single bolus and then forgotten. Reassess after each 500 mL: capillary refill, mental state,
  urine output, lactate trend and, where available, point-of-care ultrasound.

## When to slow down

Patients with heart failure or end-stage kidney disease still need perfusion, but in smaller steps with frequent
reassessment. In *possible* sepsis without shock, current guidance allows up to three hours to investigate before
antibiotics, provided the patient is watched closely.

> The bundle is a floor, not a ceiling: source control — draining the abscess, removing the infected line — is
> part of treating sepsis too.
""",
    },
    {
        "slug": "reading-a-troponin",
        "title": "Reading a high-sensitivity troponin: rise, fall and the 99th percentile",
        "lead": "A single troponin value tells you little. What separates myocardial infarction from chronic "
        "myocardial injury is the change between two samples — and the clinical story.",
        "specialties": ["Cardiology", "Emergency medicine", "Laboratory medicine"],
        "courses": ["lab-values-made-simple", "ecg-essentials"],
        "author": "teacher",
        "days_ago": 10,
        "cover_alt": "Title card reading “Reading a high-sensitivity troponin” with a rising curve.",
        "body": """High-sensitivity cardiac troponin assays detect myocardial injury earlier and more often than
older assays. That is a gift and a trap: many patients in the emergency department have a troponin above the
**99th percentile upper reference limit** without an acute coronary syndrome.

## Injury is not infarction

The Fourth Universal Definition separates three situations:

| Finding | Meaning |
|---|---|
| Above the 99th percentile, stable over time | Chronic myocardial injury (e.g. kidney disease, heart failure) |
| Rise and/or fall, no evidence of ischaemia | Acute non-ischaemic injury (e.g. myocarditis, sepsis, embolism) |
| Rise and/or fall **with** symptoms, ECG changes or imaging evidence of ischaemia | Acute myocardial infarction |

## Use the assay's own pathway

Rapid rule-out algorithms (0/1 hour or 0/2 hour) are validated **for a specific assay**. The cut-offs for one
manufacturer's troponin T do not apply to another's troponin I, and values are reported in ng/L, not the µg/L of
older assays. Ask your laboratory which pathway it supports.

## Three practical points

- A very low first value is reassuring only if chest pain started more than about three hours earlier.
- A small absolute change can matter more than a large single value: the delta is the signal.
- A normal troponin does not exclude unstable angina, aortic dissection or pulmonary embolism. Treat the patient,
  not the number.
""",
    },
    {
        "slug": "hyperkalaemia-on-the-ecg",
        "title": "Hyperkalaemia on the ECG: when to treat before the lab calls back",
        "lead": "Peaked T waves, a flattening P wave and a widening QRS: the ECG can tell you that potassium is "
        "dangerous minutes before the result arrives. What to look for and what to give.",
        "specialties": ["Cardiology", "Nephrology", "Emergency medicine"],
        "courses": ["ecg-essentials"],
        "author": "teacher",
        "days_ago": 17,
        "figure": (
            "peaked-t-waves.png",
            "Two ECG complexes side by side: a normal T wave, and a tall, narrow, "
            "symmetrically peaked T wave in hyperkalaemia.",
        ),
        "cover_alt": "Title card reading “Hyperkalaemia on the ECG” over a stylised ECG trace with a peaked T wave.",
        "body": """Potassium above about 6.5 mmol/L can cause fatal arrhythmias, and the ECG is the fastest
bedside clue. The changes tend to follow the potassium level, but **the correlation is loose**: a patient can go
from peaked T waves to a sine-wave rhythm with little warning.

## The sequence to know

1. **Tall, narrow, peaked T waves**, best seen in the precordial leads.
2. **Flattening and loss of the P wave**, with a lengthening PR interval.
3. **Widening QRS**, bradycardia and conduction blocks.
4. A **sine-wave** pattern, then ventricular fibrillation or asystole.

{figure}

## Treat in three steps

- **Stabilise the myocardium** when the ECG shows changes: intravenous calcium over 5–10 minutes — 30 mL of 10%
  calcium gluconate in UK guidance (many protocols start with 10 mL and repeat), or 10 mL of 10% calcium chloride
  through a large vein. It does not lower potassium; give more if the ECG does not improve.
- **Shift potassium into cells**: 10 units of soluble insulin with 25 g of glucose, and nebulised salbutamol as an
  adjunct. Check capillary glucose for the next six hours: hypoglycaemia is common, especially in kidney failure.
- **Remove potassium**: treat the cause, stop potassium-raising drugs, and consider a potassium binder or
  dialysis when kidney function is poor.

## Pitfalls

A haemolysed sample or a tight tourniquet can raise the measured potassium; an ECG with typical changes is a
reason to treat while a repeat sample is taken, not to wait for it.
""",
    },
    {
        "slug": "sglt2-inhibitors-beyond-glucose",
        "title": "SGLT2 inhibitors beyond glucose: heart and kidney protection in practice",
        "lead": "Designed to lower blood glucose, SGLT2 inhibitors now have evidence in heart failure and chronic "
        "kidney disease with or without diabetes. Who benefits, and what to tell patients.",
        "specialties": ["Endocrinology", "Cardiology", "Nephrology"],
        "courses": ["diabetes-care-today"],
        "author": "staff",
        "days_ago": 24,
        "cover_alt": "Title card reading “SGLT2 inhibitors beyond glucose” with heart and kidney outlines.",
        "body": """Sodium–glucose co-transporter 2 (SGLT2) inhibitors — dapagliflozin, empagliflozin and others —
make the kidney excrete glucose and sodium. Large outcome trials showed benefits that go well beyond their modest
effect on HbA1c.

## Where the evidence is

- **Heart failure**: fewer hospitalisations for heart failure across the range of ejection fraction, in patients
  with and without diabetes.
- **Chronic kidney disease**: slower decline of kidney function and fewer kidney failure events in patients with
  albuminuria, again with or without diabetes.
- **Type 2 diabetes with cardiovascular disease**: fewer heart failure hospitalisations and, for some agents, lower
  cardiovascular mortality.

## Before you start

- Kidney function: the glucose-lowering effect fades as eGFR falls, but the heart and kidney benefits persist;
  check the current prescribing information for the threshold of each agent.
- Expect a small, early dip in eGFR. It reflects reduced intraglomerular pressure and is not a reason to stop.
- Review diuretic doses in patients who are already dry, and insulin or sulfonylurea doses when HbA1c is near target.

## What to tell patients

- **Genital hygiene**: mycotic infections are the most common side effect.
- **Sick-day rules**: pause the tablet during acute illness with vomiting, poor intake or dehydration, and before
  major surgery, then restart when eating and drinking normally.
- **Ketoacidosis can occur with near-normal glucose**. Nausea, abdominal pain or breathlessness deserve a ketone
  check, even when the glucose meter looks reassuring.
""",
    },
    {
        "slug": "chest-x-ray-easy-misses",
        "title": "The chest X-ray: a systematic look that catches the easy misses",
        "lead": "Most missed findings on chest radiographs are not subtle — they sit in the places we forget to "
        "look. A review routine and the five review areas worth a second glance.",
        "specialties": ["Radiology", "Pulmonology"],
        "courses": ["chest-x-ray-interpretation"],
        "author": "staff",
        "days_ago": 31,
        "cover_alt": "Title card reading “The chest X-ray: a systematic look” over a stylised ribcage outline.",
        "body": """Satisfaction of search is the classic error of radiograph reading: once we find one abnormality,
we stop looking. A fixed routine protects against it.

## Check the film before the patient

Confirm the **name and date**, the projection (PA or AP — an AP film magnifies the heart), **rotation** (the
spinous processes midway between the clavicular heads) and **inspiration** (about six anterior ribs above the
diaphragm).

## A routine you will actually use

- **Airway**: trachea central, carina, main bronchi.
- **Breathing**: compare the lungs zone by zone, left with right; look for the lung edge at the apices.
- **Circulation**: heart size and borders, the aortic knuckle, the hila.
- **Diaphragm**: contour, costophrenic angles, and free air beneath the domes.
- **Everything else**: bones, soft tissues, lines and tubes.

## Review areas

1. **The apices**, where a small pneumothorax or a Pancoast tumour hides behind the clavicles and first ribs.
2. **Behind the heart**, where left lower lobe collapse gives a double left heart border.
3. **The hila**, for asymmetric density or enlarged nodes.
4. **Below the diaphragm**, for free gas and for lung bases that extend further than we expect.
5. **The bones**: rib fractures, lytic lesions, a missing breast shadow after mastectomy.

Finally, check the position of every **tube and line**: the endotracheal tube tip a few centimetres above the
carina, the nasogastric tube below the diaphragm and deviated to the left towards the stomach.
""",
    },
    {
        "slug": "four-views-for-the-crashing-patient",
        "title": "Point-of-care echo: four views for the crashing patient",
        "lead": "In a hypotensive patient, a few focused ultrasound views can separate tamponade, a failing left "
        "ventricle, right heart strain and an empty circulation within minutes.",
        "specialties": ["Point-of-care ultrasound", "Emergency medicine", "Cardiology"],
        "courses": ["echocardiography-basics", "emergency-medicine-first-hour"],
        "author": "teacher",
        "days_ago": 38,
        "cover_alt": "Title card reading “Point-of-care echo: four views” over a stylised ultrasound sector.",
        "body": """Focused cardiac ultrasound answers a handful of yes-or-no questions. It does not replace a
formal echocardiogram, but in shock it narrows the differential faster than any laboratory test.

## The views

- **Parasternal long axis**: left ventricular function at a glance, pericardial fluid anterior to the descending
  aorta, and aortic root size.
- **Parasternal short axis**: the shape of the left ventricle — a D-shaped septum suggests right ventricular
  pressure or volume overload.
- **Apical four-chamber**: relative size of the ventricles; a right ventricle as large as the left is abnormal.
- **Subcostal**: often the only window during resuscitation, and the best view for a pericardial effusion and
  the inferior vena cava.

## Four questions

1. **Is there a pericardial effusion, and is the right heart collapsing in diastole?** Think tamponade.
2. **How well does the left ventricle squeeze?** A poorly contracting ventricle points to cardiogenic shock.
3. **Is the right ventricle dilated?** In the right setting, consider massive pulmonary embolism.
4. **Is the heart small and hyperdynamic, with a collapsing IVC?** Consider hypovolaemia or distributive shock.

## Keep it honest

Interpret each view against the clinical picture, record your images, and repeat the scan after every
intervention: ultrasound is most useful as a series, not a single snapshot.
""",
    },
]

COMMENTS: list[dict[str, Any]] = [
    {
        "article": "hyperkalaemia-on-the-ecg",
        "author": "pro",
        "body": "Very useful. In our department we now repeat the ECG after each calcium dose and document the QRS "
        "width — it makes the decision to give a second dose much clearer.",
        "replies": [
            {
                "author": "teacher",
                "body": "Good practice. A continuous monitor strip printed before and after the dose works well too, "
                "and it shows the effect within a few minutes.",
            }
        ],
    },
    {
        "article": "sepsis-the-first-hour",
        "author": "pro",
        "body": "The point about antibiotics prescribed but not hung is so true. We started timing the *first dose* "
        "on our sepsis audit instead of the order, and the picture changed completely.",
        "replies": [],
    },
]
