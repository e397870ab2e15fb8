#!/usr/bin/env python3
"""Writes the small local datasets under tasks/data/ (run once; outputs are committed).
Every doc has a unique question/statement so sampled few-shot docs can be identified."""
import csv
import json
import os

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tasks", "data")
os.makedirs(HERE, exist_ok=True)


def jsonl(name, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


# (a) mc_fewshot: 6 train (few-shot pool, ids T0..T5), 15 test (ids Q00..Q14), 3 choices each
mc_train = [
    ("T0", "[shot T0] Which gas do plants absorb from the air?", ['Oxygen', 'Carbon dioxide', 'Helium'], 1),
    ("T1", "[shot T1] How many legs does a spider have?", ['Six', 'Eight', 'Ten'], 1),
    ("T2", "[shot T2] What is frozen water called?", ['Steam', 'Ice', 'Fog'], 1),
    ("T3", "[shot T3] Which organ pumps blood through the body?", ['Heart', 'Liver', 'Lung'], 0),
    ("T4", "[shot T4] What colour is a ripe banana?", ['Blue', 'Purple', 'Yellow'], 2),
    ("T5", "[shot T5] Which animal is known for its long neck?", ['Zebra', 'Lion', 'Giraffe'], 2),
]
mc_test = [
    ("Q00", "Which planet is known as the Red Planet?", ['Venus', 'Mars', 'Jupiter'], 1),
    ("Q01", "What is the boiling point of water at sea level in Celsius?", ['90', '100', '110'], 1),
    ("Q02", "Who formulated the laws of motion?", ['Newton', "Darwin's cousin", 'Einstein'], 0),
    ("Q03", "What is the largest ocean on Earth?", ['Atlantic Ocean', 'Indian Ocean', 'Pacific Ocean'], 2),
    ("Q04", "Which metal is liquid at room temperature?", ['Iron', 'Mercury', 'Copper'], 1),
    ("Q05", "How many continents are there?", ['Five', 'Six', 'Seven'], 2),
    ("Q06", "What do bees make?", ['Milk', 'Silk', 'Honey'], 2),
    ("Q07", "Which shape has three sides?", ['Square', 'Triangle', 'Circle'], 1),
    ("Q08", "What is the chemical symbol for gold?", ['Au', 'Ag', 'Gd'], 0),
    ("Q09", "Which instrument has 88 keys?", ['Violin', 'Flute', 'Piano'], 2),
    ("Q10", "What is the capital of France?", ['Paris', 'Lyon', 'Marseille'], 0),
    ("Q11", "Which season comes after winter?", ['Autumn', 'Summer', 'Spring'], 2),
    ("Q12", "What is 7 times 8?", ['54', '56', '58'], 1),
    ("Q13", "Which café drink is made from espresso and steamed milk?", ['Latte', 'Lemonade', 'Cola'], 0),
    ("Q14", "What is the fastest land animal?", ['Cheetah', 'Horse', 'Elephant'], 0),
]
jsonl("mc_fewshot_train.jsonl", [dict(id=i, question=q, choices=c, label=l) for i, q, c, l in mc_train])
jsonl("mc_fewshot_test.jsonl", [dict(id=i, question=q, choices=c, label=l) for i, q, c, l in mc_test])

# (b) mc_selfshot: 20 rows CSV, label "yes"/"no"; few-shot drawn from this split
selfshot = [
    ("S00", "The sun rises in the east.", "yes"),
    ("S01", "Fish can breathe on dry land.", "no"),
    ("S02", "A week has seven days.", "yes"),
    ("S03", "Snow is usually hot.", "no"),
    ("S04", "Cats are mammals.", "yes"),
    ("S05", "The moon is made of cheese.", "no"),
    ("S06", "Two plus two equals four.", "yes"),
    ("S07", "Paris is in Japan.", "no"),
    ("S08", "Water is wet.", "yes"),
    ("S09", "Triangles have five sides.", "no"),
    ("S10", "Birds have feathers.", "yes"),
    ("S11", "Ice sinks in liquid water.", "no"),
    ("S12", "The Earth orbits the Sun.", "yes"),
    ("S13", "A year has 400 days.", "no"),
    ("S14", "Grass is often green.", "yes"),
    ("S15", "Humans have three hearts.", "no"),
    ("S16", "Rain falls from clouds.", "yes"),
    ("S17", "Lemons taste sweet like sugar, always.", "no"),
    ("S18", "Dogs can bark.", "yes"),
    ("S19", "Copper is a gas at room temperature.", "no"),
]
with open(os.path.join(HERE, "mc_selfshot.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "statement", "label"])
    for r in selfshot:
        w.writerow(r)

# (c) gen_fewshot: additions with thousands separators; 5 train, 15 test
def add_rows(prefix, pairs):
    rows = []
    for n, (a, b) in enumerate(pairs):
        rows.append(dict(id=f"{prefix}{n:02d}", question=f"What is {a:,} plus {b:,}?", answer=f"{a + b:,}"))
    return rows

gen_train = add_rows("G", [(1200, 34), (5, 7), (250, 250), (99, 1), (4000, 321)])
gen_test = add_rows("A", [(3, 4), (10, 20), (1500, 25), (7, 8), (600, 400), (12, 13), (2048, 2048), (45, 55),
                          (1, 1), (333, 667), (19, 23), (8000, 1234), (64, 36), (17, 4), (1000, 1000)])
jsonl("gen_fewshot_train.jsonl", gen_train)
jsonl("gen_fewshot_test.jsonl", gen_test)

# (d) include_child: a JSON array file (not JSONL), 15 docs with a topic field used in the description
inc = [
    ("I00", "geography", "Which river flows through Cairo?", ["Nile", "Amazon", "Danube"], 0),
    ("I01", "geography", "Which country has the city of Kyoto?", ["China", "Japan", "Korea"], 1),
    ("I02", "history", "Who was the first person to walk on the Moon?", ["Yuri Gagarin", "Buzz Aldrin", "Neil Armstrong"], 2),
    ("I03", "history", "In which city was the Colosseum built?", ["Athens", "Rome", "Istanbul"], 1),
    ("I04", "biology", "What do caterpillars turn into?", ["Butterflies", "Beetles", "Spiders"], 0),
    ("I05", "biology", "Which blood cells carry oxygen?", ["White cells", "Red cells", "Platelets"], 1),
    ("I06", "physics", "What force pulls objects toward Earth?", ["Magnetism", "Friction", "Gravity"], 2),
    ("I07", "physics", "What is the unit of electrical resistance?", ["Ohm", "Volt", "Watt"], 0),
    ("I08", "music", "How many strings does a standard guitar have?", ["Four", "Six", "Twelve"], 1),
    ("I09", "music", "Which composer wrote the Moonlight Sonata?", ["Mozart", "Bach", "Beethoven"], 2),
    ("I10", "sport", "How many players are on a football (soccer) team on the field?", ["Nine", "Eleven", "Fifteen"], 1),
    ("I11", "sport", "In which sport is a shuttlecock used?", ["Badminton", "Tennis", "Squash"], 0),
    ("I12", "food", "Which fruit is dried to make raisins?", ["Plums", "Grapes", "Figs"], 1),
    ("I13", "food", "What is the main ingredient of guacamole?", ["Tomato", "Avocado", "Pepper"], 1),
    ("I14", "space", "Which is the closest star to Earth?", ["Sirius", "The Sun", "Polaris"], 1),
]
with open(os.path.join(HERE, "include_child.json"), "w", encoding="utf-8") as f:
    json.dump([dict(id=i, topic=t, question=q, options=o, answer=a) for i, t, q, o, a in inc], f, indent=1, ensure_ascii=False)

# (e) ll_plain: lambada-style last-word prediction, 20 docs
ll = [
    "The cat sat on the warm mat",
    "She opened the door and walked into the kitchen",
    "After the long winter the flowers finally began to bloom",
    "He poured a cup of hot coffee",
    "The children played football in the park",
    "Please turn off the lights when you leave the room",
    "The train arrived at the station ten minutes late",
    "We watched the sun set over the quiet ocean",
    "My grandmother bakes bread every Sunday morning",
    "The library was silent except for the ticking clock",
    "They climbed the mountain and reached the summit",
    "The dog wagged its tail happily",
    "I forgot my umbrella and got wet in the rain",
    "The teacher wrote the answer on the board",
    "A gentle breeze moved through the tall trees",
    "He saved his money to buy a new bicycle",
    "The baby fell asleep in her mother's arms",
    "The scientist looked through the microscope",
    "Snow covered the roofs of the small village",
    "The orchestra played a beautiful symphony",
]
jsonl("ll_plain.jsonl", [dict(id=f"L{n:02d}", text=t) for n, t in enumerate(ll)])

# (e) rolling: 15 short paragraphs; the last one is long (to exercise rolling windows on small-context models)
roll = [
    "The quick brown fox jumps over the lazy dog.",
    "It was a bright cold day in April, and the clocks were striking thirteen.",
    "Call me Ishmael. Some years ago, never mind how long precisely, I thought I would sail about a little.",
    "All happy families are alike; each unhappy family is unhappy in its own way.",
    "In the beginning the universe was created. This has made a lot of people very angry.",
    "The rain in Spain stays mainly in the plain.",
    "A journey of a thousand miles begins with a single step.",
    "Numbers like 3.14159 and 2,718 appear in texts too.",
    "Über café naïve résumé: non-ASCII bytes count more than characters.",
    "To be, or not to be, that is the question.",
    "Whitespace   with  multiple   spaces\tand a tab.",
    "Line one.\nLine two.\nLine three.",
    "Short.",
    "The end is near, but not yet here; keep reading until the last word.",
    " ".join(["Paragraph number {} talks about rivers, hills and the weather in small towns.".format(i) for i in range(1, 41)]),
]
jsonl("rolling.jsonl", [dict(id=f"R{n:02d}", text=t) for n, t in enumerate(roll)])

# (f) mc_mutual_info: 15 docs, choices of very different frequency/length
mi = [
    ("M00", "The opposite of up is", [" down", " sideways", " purple"], 0),
    ("M01", "A baby cat is called a", [" kitten", " puppy", " calf"], 0),
    ("M02", "The colour of the clear sky is", [" red", " blue", " green"], 1),
    ("M03", "You write with a", [" spoon", " pencil", " shoe"], 1),
    ("M04", "Honey is made by", [" cows", " bees", " fish"], 1),
    ("M05", "The first month of the year is", [" January", " March", " the"], 0),
    ("M06", "We sleep in a", [" bed", " bathtub", " car"], 0),
    ("M07", "Ice is frozen", [" water", " sand", " fire"], 0),
    ("M08", "A person who flies a plane is a", [" pilot", " chef", " farmer"], 0),
    ("M09", "The sun sets in the", [" east", " west", " north"], 1),
    ("M10", "A square has four", [" corners", " wheels", " eyes"], 0),
    ("M11", "Cows give us", [" milk", " wool", " eggs"], 0),
    ("M12", "The number after nine is", [" ten", " eight", " and"], 0),
    ("M13", "We see with our", [" ears", " eyes", " hands"], 1),
    ("M14", "Rain comes from", [" clouds", " rocks", " trees"], 0),
]
jsonl("mc_mutual_info.jsonl", [dict(id=i, context=c, endings=e, gold=g) for i, c, e, g in mi])
