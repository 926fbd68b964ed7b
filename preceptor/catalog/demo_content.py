"""Demo courses for ``seed_demo``: six courses, each with a captioned video, readings, a handout and a
post-test of ten questions. Media files live in ``catalog/demo_media/`` (made by ``scripts/make_demo_media.py``).

The content is written for the demo: clinically plausible and reviewed for obvious errors, but it is not
accredited education and is labelled as demo content on the course pages.
"""

from __future__ import annotations

S, M, TF = "single", "multiple", "true_false"


def tf(text: str, answer: bool, explanation: str) -> tuple:
    return (TF, text, [("True", answer), ("False", not answer)], explanation)


COURSES: list[dict] = [
    {
        "slug": "ecg-essentials",
        "title": "ECG Essentials: From Leads to Rhythm",
        "summary": "Read a 12-lead ECG systematically: rate, rhythm, axis, intervals and the patterns you must not miss.",
        "specialties": ["Cardiology", "Emergency medicine"],
        "teacher": True,
        "description": "A systematic approach to the 12-lead ECG for clinicians who read tracings between other tasks.\n\n"
        "- Where each lead looks at the heart\n- A five-step routine for every tracing\n- Recognising atrial "
        "fibrillation, heart block and ST elevation",
        "video": {
            "title": "The 12 leads",
            "cues": [
                "Twelve leads, twelve views of one heart.",
                "Limb leads look in the frontal plane; chest leads look in the horizontal plane.",
                "Read every ECG in the same order: rate, rhythm, axis, intervals, morphology.",
            ],
        },
        "readings": [
            (
                "Rate and rhythm in five steps",
                "**Rate.** With a regular rhythm, divide 300 by the number of large squares between two R waves. "
                "With an irregular rhythm, count the QRS complexes on a 10-second strip and multiply by 6.\n\n"
                "**Rhythm.** Ask three questions: is there a P wave before every QRS, a QRS after every P wave, and "
                "is the R–R interval regular?\n\n"
                "**Axis.** A positive QRS in leads I and aVF means a normal axis.\n\n"
                "**Intervals.** PR 120–200 ms, QRS under 120 ms, QTc under about 450 ms in men and 470 ms in women.\n\n"
                "**Morphology.** Look for ST changes, T-wave inversion, Q waves and signs of hypertrophy.",
            ),
            (
                "Patterns you must not miss",
                "- **ST elevation** in two contiguous leads with reciprocal depression suggests acute coronary "
                "occlusion until proven otherwise.\n- **Complete heart block**: P waves and QRS complexes march "
                "independently.\n- **Atrial fibrillation**: irregularly irregular rhythm without organised P waves.\n"
                "- **Hyperkalaemia**: peaked T waves, then widening QRS.",
            ),
        ],
        "handout": (
            "ECG reading checklist",
            [
                "1. Rate: 300 / large squares, or QRS count x 6 on 10 s.",
                "2. Rhythm: P before every QRS? Regular R-R?",
                "3. Axis: QRS positive in I and aVF = normal.",
                "4. Intervals: PR 120-200 ms, QRS < 120 ms, QTc.",
                "5. Morphology: ST, T, Q waves, hypertrophy.",
            ],
        ),
        "questions": [
            (
                S,
                "With a regular rhythm, there are 4 large squares between consecutive R waves. What is the heart rate?",
                [("75/min", True), ("60/min", False), ("100/min", False), ("50/min", False)],
                "300 divided by the number of large squares: 300 / 4 = 75 beats per minute.",
            ),
            (
                S,
                "Which leads look at the inferior wall of the left ventricle?",
                [("II, III and aVF", True), ("I, aVL, V5 and V6", False), ("V1 and V2", False), ("V3 and V4", False)],
                "Leads II, III and aVF face the inferior wall; I, aVL, V5–V6 are lateral.",
            ),
            (
                S,
                "What is the upper limit of a normal PR interval?",
                [("200 ms", True), ("120 ms", False), ("300 ms", False), ("440 ms", False)],
                "A PR interval above 200 ms (one large square) is first-degree AV block.",
            ),
            (
                S,
                "An irregularly irregular rhythm without organised P waves is most likely:",
                [
                    ("Atrial fibrillation", True),
                    ("Sinus arrhythmia", False),
                    ("Atrial flutter with 2:1 block", False),
                    ("Second-degree AV block Mobitz II", False),
                ],
                "Atrial fibrillation: no organised atrial activity and irregular ventricular response.",
            ),
            (
                M,
                "Which findings suggest hyperkalaemia? Select all that apply.",
                [
                    ("Peaked T waves", True),
                    ("Widening QRS complex", True),
                    ("Prominent U waves", False),
                    ("Shortened QT interval", False),
                ],
                "Hyperkalaemia peaks the T waves and, as it worsens, widens the QRS; U waves suggest hypokalaemia.",
            ),
            tf(
                "A QRS that is positive in both lead I and lead aVF indicates a normal axis.",
                True,
                "Positive in I and aVF places the axis between 0° and +90°.",
            ),
            (
                S,
                "P waves and QRS complexes occur at independent regular rates. This is:",
                [
                    ("Third-degree (complete) AV block", True),
                    ("First-degree AV block", False),
                    ("Mobitz I (Wenckebach)", False),
                    ("Sinus tachycardia", False),
                ],
                "AV dissociation with regular P–P and R–R intervals is complete heart block.",
            ),
            (
                S,
                "With an irregular rhythm, how do you estimate the rate from a 10-second strip?",
                [
                    ("Count the QRS complexes and multiply by 6", True),
                    ("Divide 300 by the smallest R–R interval", False),
                    ("Divide 1500 by the number of small squares", False),
                    ("Count P waves and multiply by 10", False),
                ],
                "Counting QRS complexes over 10 seconds and multiplying by 6 gives the average rate.",
            ),
            tf(
                "A QRS duration of 140 ms is within normal limits.",
                False,
                "A QRS of 120 ms or more is broad: think bundle branch block, ventricular rhythm or hyperkalaemia.",
            ),
            (
                M,
                "Which findings support acute ST-elevation myocardial infarction? Select all that apply.",
                [
                    ("ST elevation in two contiguous leads", True),
                    ("Reciprocal ST depression", True),
                    ("Diffuse PR depression with widespread concave ST elevation", False),
                    ("Short PR interval", False),
                ],
                "Contiguous ST elevation with reciprocal depression is typical of STEMI; diffuse concave ST elevation "
                "with PR depression suggests pericarditis.",
            ),
        ],
    },
    {
        "slug": "echocardiography-basics",
        "title": "Echocardiography Basics for Clinicians",
        "summary": "Standard views, left ventricular function and the pericardium: what a focused echo can answer.",
        "specialties": ["Cardiology", "Point-of-care ultrasound"],
        "teacher": True,
        "description": "Learn the standard transthoracic windows and how to judge left ventricular function, "
        "pericardial effusion and right ventricular strain at the bedside.",
        "video": {
            "title": "Four windows",
            "cues": [
                "Parasternal, apical, subcostal and suprasternal: four windows onto the heart.",
                "The parasternal long-axis view shows the left ventricle, mitral and aortic valves.",
                "The subcostal view is the fastest way to look for pericardial effusion.",
            ],
        },
        "readings": [
            (
                "Judging left ventricular function",
                "Estimate the ejection fraction by eye from several views, then confirm with a measured method such "
                "as biplane Simpson's. **Normal** is 52–72% in men and 54–74% in women (ASE/EACVI 2015).\n\n"
                "Look for *regional* wall motion abnormalities: they follow coronary territories.",
            ),
            (
                "The pericardium and the right ventricle",
                "A pericardial effusion is an echo-free space around the heart. Signs of **tamponade** include "
                "right atrial systolic collapse, right ventricular diastolic collapse and a plethoric inferior vena "
                "cava.\n\nA dilated right ventricle (larger than the left in the apical four-chamber view) suggests "
                "pressure or volume overload, for example from pulmonary embolism.",
            ),
        ],
        "handout": (
            "Echo views at a glance",
            [
                "Parasternal long axis: LV, LVOT, mitral and aortic valves.",
                "Parasternal short axis: LV wall motion by segment.",
                "Apical four-chamber: chamber sizes, RV/LV ratio.",
                "Subcostal: effusion, IVC size and collapse.",
            ],
        ),
        "questions": [
            (
                S,
                "Which view is usually quickest for detecting a pericardial effusion in a supine patient?",
                [
                    ("Subcostal four-chamber", True),
                    ("Suprasternal", False),
                    ("Parasternal short axis at the aortic valve", False),
                    ("Apical two-chamber", False),
                ],
                "The subcostal window is accessible in most supine patients and shows the pericardium well.",
            ),
            (
                S,
                "What is the lower limit of normal LV ejection fraction in men according to ASE/EACVI 2015?",
                [("52%", True), ("40%", False), ("60%", False), ("45%", False)],
                "Normal LVEF is 52–72% in men and 54–74% in women.",
            ),
            (
                M,
                "Which findings suggest cardiac tamponade? Select all that apply.",
                [
                    ("Right ventricular diastolic collapse", True),
                    ("Plethoric inferior vena cava", True),
                    ("Right atrial systolic collapse", True),
                    ("Small, fully collapsing IVC", False),
                ],
                "Tamponade raises right-sided pressures: the IVC is plethoric and right heart chambers collapse.",
            ),
            tf(
                "Regional wall motion abnormalities tend to follow coronary artery territories.",
                True,
                "Ischaemia affects the segments supplied by the occluded artery.",
            ),
            (
                S,
                "In the apical four-chamber view the RV appears larger than the LV. This suggests:",
                [
                    ("RV pressure or volume overload", True),
                    ("Normal findings", False),
                    ("LV hypertrophy", False),
                    ("Mitral stenosis only", False),
                ],
                "A normal RV is about two-thirds the size of the LV; a larger RV indicates overload, e.g. pulmonary "
                "embolism.",
            ),
            (
                S,
                "Which view best shows the mitral and aortic valves together with the LV outflow tract?",
                [
                    ("Parasternal long axis", True),
                    ("Subcostal IVC view", False),
                    ("Suprasternal notch", False),
                    ("Apical two-chamber", False),
                ],
                "The parasternal long-axis view cuts through the LVOT, aortic and mitral valves.",
            ),
            tf(
                "Visual estimation of ejection fraction should be confirmed by a quantitative method when the result "
                "changes management.",
                True,
                "Eyeball estimates vary between readers; biplane Simpson's or 3D reduces the variability.",
            ),
            (
                S,
                "An echo-free space seen only anteriorly in the parasternal long-axis view is most often:",
                [
                    ("An epicardial fat pad", True),
                    ("Large pericardial effusion", False),
                    ("Pleural effusion", False),
                    ("Aortic dissection", False),
                ],
                "Isolated anterior echolucency is usually epicardial fat; effusions collect posteriorly first.",
            ),
            (
                M,
                "Which echo findings support acute pulmonary embolism? Select all that apply.",
                [
                    ("RV dilatation", True),
                    ("McConnell's sign", True),
                    ("Thickened LV walls", False),
                    ("Dilated left atrium", False),
                ],
                "RV dilatation and free-wall hypokinesis with apical sparing (McConnell's sign) support acute PE.",
            ),
            (
                S,
                "Which measurement method for LVEF is recommended by current guidelines for 2D echo?",
                [
                    ("Biplane method of discs (modified Simpson's)", True),
                    ("M-mode Teichholz", False),
                    ("Visual estimate only", False),
                    ("Aortic VTI", False),
                ],
                "The biplane method of discs is recommended; Teichholz is unreliable with regional abnormalities.",
            ),
        ],
    },
    {
        "slug": "chest-x-ray-interpretation",
        "title": "Chest X-ray Interpretation",
        "summary": "A structured ABCDE review of the chest radiograph and the signs of pneumonia, effusion and pneumothorax.",
        "specialties": ["Radiology", "Emergency medicine"],
        "description": "Review any chest X-ray in the same order and recognise the common acute findings.",
        "video": {
            "title": "ABCDE of the chest film",
            "cues": [
                "Check the patient, the date and the projection before you interpret.",
                "Airway, breathing, cardiac, diaphragm, everything else.",
                "Always compare with a previous film when one exists.",
            ],
        },
        "readings": [
            (
                "Is the film adequate?",
                "Assess **rotation** (medial clavicle ends equidistant from the spinous processes), **inspiration** "
                "(about six anterior ribs above the diaphragm) and **exposure** (vertebrae just visible behind the "
                "heart).\n\nA cardiothoracic ratio above 0.5 suggests cardiomegaly on a PA film only: AP films "
                "magnify the heart.",
            ),
            (
                "Common acute findings",
                "- **Consolidation**: air bronchograms, silhouette sign.\n- **Pleural effusion**: blunted "
                "costophrenic angle, meniscus.\n- **Pneumothorax**: visible visceral pleural line with no lung "
                "markings beyond it.\n- **Pulmonary oedema**: upper lobe diversion, Kerley B lines, bat-wing "
                "opacities.",
            ),
        ],
        "handout": (
            "Chest X-ray checklist",
            [
                "Patient details, date, projection (PA/AP).",
                "Adequacy: rotation, inspiration, exposure.",
                "A Airway, B Breathing, C Cardiac, D Diaphragm, E Everything else.",
                "Compare with previous imaging.",
            ],
        ),
        "questions": [
            (
                S,
                "On a PA chest film, what cardiothoracic ratio suggests cardiomegaly?",
                [
                    ("More than 0.5", True),
                    ("More than 0.3", False),
                    ("More than 0.7", False),
                    ("Any ratio on an AP film", False),
                ],
                "A CTR above 0.5 on a PA film suggests cardiomegaly; AP films magnify the heart.",
            ),
            (
                S,
                "Loss of the right heart border on a PA film localises consolidation to the:",
                [
                    ("Right middle lobe", True),
                    ("Right lower lobe", False),
                    ("Right upper lobe", False),
                    ("Left lingula", False),
                ],
                "The silhouette sign: the middle lobe abuts the right heart border.",
            ),
            (
                S,
                "Which sign best confirms a pneumothorax?",
                [
                    ("A visceral pleural line with no lung markings beyond it", True),
                    ("Blunted costophrenic angle", False),
                    ("Air bronchograms", False),
                    ("Kerley B lines", False),
                ],
                "The visceral pleural edge with absent peripheral markings defines a pneumothorax.",
            ),
            tf(
                "A meniscus sign at the costophrenic angle suggests a pleural effusion.",
                True,
                "Fluid tracks up the lateral chest wall, forming a concave meniscus.",
            ),
            (
                M,
                "Which findings suggest cardiogenic pulmonary oedema? Select all that apply.",
                [
                    ("Upper lobe venous diversion", True),
                    ("Kerley B lines", True),
                    ("Bat-wing perihilar opacities", True),
                    ("Hyperlucent lung with flattened diaphragms", False),
                ],
                "Upper lobe diversion, septal lines and perihilar opacities are typical; hyperinflation suggests COPD.",
            ),
            (
                S,
                "How many anterior ribs above the diaphragm indicate adequate inspiration?",
                [("About 6", True), ("About 3", False), ("About 10", False), ("About 12", False)],
                "Five to seven anterior ribs above the hemidiaphragm indicate a good inspiratory effort.",
            ),
            tf(
                "Air bronchograms are a sign of consolidation.",
                True,
                "Air-filled bronchi become visible when the surrounding alveoli are filled with fluid or pus.",
            ),
            (
                S,
                "How do you judge rotation on a chest X-ray?",
                [
                    ("Medial clavicle ends equidistant from the spinous processes", True),
                    ("Scapulae outside the lung fields", False),
                    ("Vertebrae visible behind the heart", False),
                    ("Diaphragm at the level of the 10th posterior rib", False),
                ],
                "Equal distances from the clavicle heads to the spinous process mean the patient is not rotated.",
            ),
            (
                S,
                "Free air under the diaphragm on an erect film most often indicates:",
                [
                    ("Perforated hollow viscus", True),
                    ("Pleural effusion", False),
                    ("Pneumothorax", False),
                    ("Atelectasis", False),
                ],
                "Pneumoperitoneum on an erect film suggests perforation unless there was recent surgery.",
            ),
            (
                M,
                "Which belong to 'E — everything else'? Select all that apply.",
                [("Bones", True), ("Soft tissues", True), ("Lines and tubes", True), ("Heart size", False)],
                "Bones, soft tissues and medical devices are reviewed last; heart size belongs to C.",
            ),
        ],
    },
    {
        "slug": "lab-values-made-simple",
        "title": "Lab Values Made Simple",
        "summary": "Electrolytes, kidney function, troponin and the full blood count: interpret the numbers in context.",
        "specialties": ["Internal medicine", "Laboratory medicine"],
        "description": "Interpret the most requested laboratory tests quickly and know when a value is dangerous.",
        "video": {
            "title": "Reading a lab report",
            "cues": [
                "A lab value is a number in a context: the patient, the trend, the method.",
                "Check units and reference ranges before you react.",
                "A rising troponin tells more than a single value.",
            ],
        },
        "readings": [
            (
                "Sodium and potassium",
                "**Hyponatraemia** (Na⁺ < 135 mmol/L): assess volume status and serum osmolality first. Correct "
                "chronic hyponatraemia slowly — no more than 8–10 mmol/L in 24 hours — to avoid osmotic "
                "demyelination.\n\n**Hyperkalaemia** (K⁺ > 5.5 mmol/L): exclude haemolysis, get an ECG, and treat "
                "ECG changes with intravenous calcium.",
            ),
            (
                "Troponin and kidney function",
                "High-sensitivity troponin above the 99th percentile with a **rise or fall** supports acute myocardial "
                "injury.\n\nCreatinine lags behind acute kidney injury; eGFR is only valid in a steady state.",
            ),
        ],
        "handout": (
            "Critical values card",
            [
                "Potassium > 6.0 mmol/L: ECG, calcium, insulin-glucose.",
                "Sodium < 120 mmol/L: assess symptoms, correct slowly.",
                "Glucose < 3.0 mmol/L: treat immediately.",
                "hs-troponin: look for the rise or fall.",
            ],
        ),
        "questions": [
            (
                S,
                "What is the maximum recommended correction of chronic hyponatraemia in 24 hours?",
                [("8–10 mmol/L", True), ("20 mmol/L", False), ("2 mmol/L", False), ("No limit", False)],
                "Faster correction risks osmotic demyelination syndrome.",
            ),
            (
                S,
                "A potassium of 6.4 mmol/L with peaked T waves: what is the first treatment?",
                [
                    ("Intravenous calcium", True),
                    ("Oral potassium binder alone", False),
                    ("Furosemide alone", False),
                    ("Repeat the test tomorrow", False),
                ],
                "Calcium stabilises the myocardium within minutes; insulin-glucose then shifts potassium into cells.",
            ),
            tf(
                "A haemolysed sample can falsely raise potassium.",
                True,
                "Potassium released from lysed red cells raises the measured value.",
            ),
            (
                S,
                "Which pattern best supports acute myocardial injury?",
                [
                    ("hs-troponin above the 99th percentile with a rise or fall", True),
                    ("A single troponin just above the 99th percentile", False),
                    ("Stable mildly raised troponin in chronic kidney disease", False),
                    ("Normal troponin", False),
                ],
                "Acute injury needs a dynamic change, not just one raised value.",
            ),
            tf(
                "eGFR is reliable during rapidly changing acute kidney injury.",
                False,
                "eGFR equations assume a steady state; in AKI creatinine lags behind the true filtration rate.",
            ),
            (
                M,
                "Which are first steps in assessing hyponatraemia? Select all that apply.",
                [
                    ("Assess volume status", True),
                    ("Measure serum osmolality", True),
                    ("Check urine sodium", True),
                    ("Give hypertonic saline to every patient", False),
                ],
                "Classify by osmolality and volume status; hypertonic saline is for severe symptoms.",
            ),
            (
                S,
                "Which finding in a full blood count most suggests iron deficiency?",
                [
                    ("Low MCV with low ferritin", True),
                    ("High MCV", False),
                    ("High ferritin", False),
                    ("Raised reticulocytes after bleeding alone", False),
                ],
                "Microcytosis with low ferritin is typical of iron deficiency.",
            ),
            (
                S,
                "Which value defines hypoglycaemia that needs immediate treatment in most guidelines?",
                [
                    ("Glucose below 3.0 mmol/L (54 mg/dL)", True),
                    ("Glucose below 5.5 mmol/L", False),
                    ("Glucose below 7.0 mmol/L", False),
                    ("HbA1c below 6%", False),
                ],
                "Level 2 hypoglycaemia is below 3.0 mmol/L (54 mg/dL) and needs prompt treatment.",
            ),
            tf(
                "Creatinine can stay normal in the first hours of acute kidney injury.",
                True,
                "Creatinine accumulates over time, so early AKI may show a normal value.",
            ),
            (
                M,
                "Which may cause a falsely high potassium? Select all that apply.",
                [
                    ("Haemolysis", True),
                    ("Prolonged tourniquet time with fist clenching", True),
                    ("Marked thrombocytosis", True),
                    ("Metabolic alkalosis", False),
                ],
                "Haemolysis, fist clenching and very high platelet counts release potassium in the tube.",
            ),
        ],
    },
    {
        "slug": "emergency-medicine-first-hour",
        "title": "Emergency Medicine: The First Hour",
        "summary": "ABCDE assessment, sepsis recognition and the first steps in shock and anaphylaxis.",
        "specialties": ["Emergency medicine"],
        "description": "Structure the first hour with a deteriorating patient: assess, treat, reassess.",
        "video": {
            "title": "ABCDE in practice",
            "cues": [
                "Airway, breathing, circulation, disability, exposure.",
                "Treat what you find before you move to the next letter.",
                "Reassess after every intervention.",
            ],
        },
        "readings": [
            (
                "Recognising sepsis",
                "Suspect sepsis in any patient with infection and new organ dysfunction. Within the first hour: "
                "take blood cultures, give antibiotics, measure lactate, and give 30 mL/kg crystalloid for "
                "hypotension or lactate ≥ 4 mmol/L (Surviving Sepsis Campaign).",
            ),
            (
                "Anaphylaxis",
                "Give **intramuscular adrenaline** 0.5 mg (0.5 mL of 1 mg/mL) into the anterolateral thigh for "
                "adults, repeated after 5 minutes if needed. Antihistamines and steroids are not first-line.",
            ),
        ],
        "handout": (
            "First-hour checklist",
            [
                "A: patent airway? B: rate, SpO2, work of breathing.",
                "C: pulse, BP, capillary refill, IV access.",
                "D: glucose, GCS/AVPU, pupils. E: temperature, rash, wounds.",
                "Sepsis: cultures, antibiotics, lactate, fluids within 1 hour.",
            ],
        ),
        "questions": [
            (
                S,
                "What is the first-line treatment for adult anaphylaxis?",
                [
                    ("Intramuscular adrenaline 0.5 mg", True),
                    ("Intravenous hydrocortisone", False),
                    ("Oral antihistamine", False),
                    ("Nebulised salbutamol", False),
                ],
                "IM adrenaline into the anterolateral thigh is first-line; repeat after 5 minutes if needed.",
            ),
            (
                S,
                "In the ABCDE approach, when do you move to the next letter?",
                [
                    ("After treating the problem found", True),
                    ("After all investigations return", False),
                    ("Only after senior review", False),
                    ("After the full history", False),
                ],
                "Treat life-threatening problems as you find them, then continue.",
            ),
            (
                M,
                "Which belong to the sepsis first-hour bundle? Select all that apply.",
                [
                    ("Blood cultures before antibiotics", True),
                    ("Broad-spectrum antibiotics", True),
                    ("Measure lactate", True),
                    ("Wait for imaging before antibiotics", False),
                ],
                "Cultures, antibiotics, lactate and fluids for hypotension are started within the first hour.",
            ),
            (
                S,
                "What crystalloid volume is recommended for sepsis-induced hypotension?",
                [("30 mL/kg", True), ("5 mL/kg", False), ("100 mL/kg", False), ("500 mL regardless of weight", False)],
                "The Surviving Sepsis Campaign suggests at least 30 mL/kg within the first 3 hours.",
            ),
            tf(
                "Blood glucose should be checked in every patient with reduced consciousness.",
                True,
                "Hypoglycaemia is a common, quickly reversible cause of reduced consciousness (D in ABCDE).",
            ),
            (
                S,
                "A lactate of 4.5 mmol/L in suspected sepsis means:",
                [
                    ("High risk: start fluid resuscitation", True),
                    ("Normal finding", False),
                    ("Only relevant in liver disease", False),
                    ("A reason to delay antibiotics", False),
                ],
                "Lactate ≥ 4 mmol/L indicates hypoperfusion and high risk.",
            ),
            (
                S,
                "Where should intramuscular adrenaline be injected in anaphylaxis?",
                [
                    ("Anterolateral thigh", True),
                    ("Deltoid", False),
                    ("Gluteus", False),
                    ("Subcutaneous abdomen", False),
                ],
                "The vastus lateralis gives faster absorption than the deltoid.",
            ),
            tf(
                "Antihistamines are first-line treatment for airway swelling in anaphylaxis.",
                False,
                "Antihistamines treat skin symptoms only; adrenaline treats airway, breathing and circulation.",
            ),
            (
                M,
                "Which signs suggest shock? Select all that apply.",
                [
                    ("Capillary refill over 3 seconds", True),
                    ("Rising lactate", True),
                    ("Reduced urine output", True),
                    ("Warm, well-perfused peripheries in every case", False),
                ],
                "Poor perfusion shows in refill time, lactate and urine output; early distributive shock may be warm.",
            ),
            (
                S,
                "Which tool gives a quick assessment of consciousness in the D step?",
                [("AVPU or GCS", True), ("CURB-65", False), ("Wells score", False), ("CHA2DS2-VASc", False)],
                "AVPU or the Glasgow Coma Scale assess the level of consciousness.",
            ),
        ],
    },
    {
        "slug": "diabetes-care-today",
        "title": "Diabetes Care Today",
        "summary": "Targets, modern glucose-lowering drugs and preventing complications in type 2 diabetes.",
        "specialties": ["Endocrinology", "Internal medicine"],
        "description": "Individualise glycaemic targets, choose drugs with cardiorenal benefit, and screen for complications.",
        "video": {
            "title": "Targets and drugs",
            "cues": [
                "An HbA1c target of about 7 percent suits many adults, but individualise it.",
                "In heart failure or kidney disease, SGLT2 inhibitors bring benefit beyond glucose.",
                "Screen feet, eyes and kidneys every year.",
            ],
        },
        "readings": [
            (
                "Choosing a glucose-lowering drug",
                "Metformin remains a common first choice. For people with established cardiovascular disease, heart "
                "failure or chronic kidney disease, add an **SGLT2 inhibitor** or a **GLP-1 receptor agonist** with "
                "proven benefit, independent of HbA1c (ADA/EASD consensus).",
            ),
            (
                "Annual complication screening",
                "- **Kidneys**: eGFR and urine albumin-to-creatinine ratio.\n- **Eyes**: retinal screening.\n"
                "- **Feet**: sensation with a 10 g monofilament, pulses, skin.\n- **Cardiovascular risk**: blood "
                "pressure, lipids, smoking.",
            ),
        ],
        "handout": (
            "Annual diabetes review",
            [
                "HbA1c and individual target.",
                "eGFR and urine albumin-to-creatinine ratio.",
                "Retinal screening. Foot exam with 10 g monofilament.",
                "BP, lipids, smoking status, vaccinations.",
            ],
        ),
        "questions": [
            (
                S,
                "Which drug class has proven benefit in heart failure for people with type 2 diabetes?",
                [
                    ("SGLT2 inhibitors", True),
                    ("Sulfonylureas", False),
                    ("DPP-4 inhibitors", False),
                    ("Meglitinides", False),
                ],
                "SGLT2 inhibitors reduce heart failure hospitalisation independent of glucose lowering.",
            ),
            (
                S,
                "Which test screens for diabetic kidney disease together with eGFR?",
                [
                    ("Urine albumin-to-creatinine ratio", True),
                    ("Serum amylase", False),
                    ("Urine glucose", False),
                    ("Serum uric acid", False),
                ],
                "Albuminuria and eGFR together stage chronic kidney disease.",
            ),
            tf(
                "An HbA1c target of about 7% (53 mmol/mol) is reasonable for many non-pregnant adults.",
                True,
                "Targets are individualised: tighter for some, looser for frail or hypoglycaemia-prone people.",
            ),
            (
                S,
                "Which instrument is used to test protective foot sensation?",
                [
                    ("10 g monofilament", True),
                    ("Reflex hammer only", False),
                    ("Tuning fork at 512 Hz", False),
                    ("Pinwheel on the hand", False),
                ],
                "Loss of 10 g monofilament sensation identifies feet at risk of ulceration.",
            ),
            (
                M,
                "Which belong in the annual diabetes review? Select all that apply.",
                [
                    ("Retinal screening", True),
                    ("Foot examination", True),
                    ("Urine albumin-to-creatinine ratio", True),
                    ("Routine coronary angiography", False),
                ],
                "Eyes, feet and kidneys are screened yearly; angiography is not a screening test.",
            ),
            (
                S,
                "Which adverse effect is most typical of sulfonylureas?",
                [
                    ("Hypoglycaemia", True),
                    ("Genital mycotic infection", False),
                    ("Lactic acidosis", False),
                    ("Weight loss", False),
                ],
                "Sulfonylureas stimulate insulin secretion regardless of glucose and can cause hypoglycaemia.",
            ),
            tf(
                "GLP-1 receptor agonists typically cause weight gain.",
                False,
                "GLP-1 receptor agonists usually lead to weight loss.",
            ),
            (
                S,
                "Which common adverse effect is associated with SGLT2 inhibitors?",
                [
                    ("Genital mycotic infections", True),
                    ("Hypoglycaemia as monotherapy", False),
                    ("Weight gain", False),
                    ("Peripheral oedema", False),
                ],
                "Glycosuria predisposes to genital fungal infections.",
            ),
            (
                M,
                "Which increase cardiovascular risk in diabetes? Select all that apply.",
                [
                    ("Smoking", True),
                    ("Hypertension", True),
                    ("Raised LDL cholesterol", True),
                    ("Regular physical activity", False),
                ],
                "Smoking, blood pressure and LDL are modifiable risk factors; activity lowers risk.",
            ),
            (
                S,
                "What is a usual first-line drug for type 2 diabetes without cardiorenal disease?",
                [("Metformin", True), ("Insulin glargine", False), ("Pioglitazone", False), ("Acarbose", False)],
                "Metformin remains a common first choice; cardiorenal disease favours SGLT2i or GLP-1 RA.",
            ),
        ],
    },
]
