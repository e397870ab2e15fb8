"""The hub repos read by lm-eval 0.4.13's own task files in ../library/ (besides ai2_arc and
gsm8k, written by make_hub_data.py itself): cais/mmlu (all 57 subjects), Rowan/hellaswag,
allenai/winogrande, truthfulqa/truthful_qa, EleutherAI/lambada_openai, SaylorTwift/bbh,
TAUR-Lab/MuSR and TIGER-Lab/MMLU-Pro. Our own made-up rows (few per split, short so prompts stay
within the tiny test checkpoint's 256 tokens where the task allows), in the real repos' shapes.

What is confirmed and what assumed (no hub is reachable here; sources: lm-eval's task files and
utils.py, which name repo, config, splits and the columns they read; dataset cards found with
the search tool):

repo                      confirmed                                             assumed
cais/mmlu                 one config per subject, splits test/validation/dev,   the `all` and
                          question str, subject str, choices list[str],          `auxiliary_train`
                          answer ClassLabel(A,B,C,D) (card + lm-eval template)   configs (not written:
                                                                                no task here reads them)
Rowan/hellaswag           config default, splits train/validation/test;          file layout
                          ind int32, activity_label, ctx_a, ctx_b, ctx,          data/<split>-00000-of-00001
                          endings list[str], source_id, split, split_type,       .parquet (the repo was a
                          label **string** ("" in test) (TFDS community card     script dataset; its parquet
                          of the HF features, copies of the card)                conversion layout is assumed)
allenai/winogrande        config winogrande_xl (and xs..debiased), splits        only winogrande_xl written;
                          train/validation/test, sentence, option1, option2,     test answers "" as in the
                          answer all **string**; files winogrande_xl/<split>-    original release
                          00000-of-00001.parquet (hub tree listing)
truthfulqa/truthful_qa    config multiple_choice, split validation only;         file layout
                          question str, mc1_targets/mc2_targets structs          multiple_choice/validation-
                          {choices: list[str], labels: list[int32]} (card of     00000-of-00001.parquet; the
                          tinyTruthfulQA, same features)                         `generation` config not written
EleutherAI/lambada_openai config default, split test, text str (task file)      file layout default/test-...
                                                                                .parquet; de/en/es/fr/it
                                                                                configs not written
SaylorTwift/bbh           one config per BBH subtask (27, names from the task    file layout <config>/test-
                          files), split test, input str, target str              00000-of-00001.parquet
TAUR-Lab/MuSR             config default, splits murder_mysteries,               column order; no index column
                          object_placements, team_allocation mapped to the CSV   in the CSVs
                          files murder_mystery.csv, object_placements.csv,
                          team_allocation.csv (the repo README); narrative,
                          question, choices (a Python list literal, read with
                          ast.literal_eval by utils.py), answer_index int64,
                          answer_choice (OpenEvals/MuSR card, lm-eval utils)
TIGER-Lab/MMLU-Pro        config default, splits test/validation, files          src values' format
                          data/<split>-*; question_id int64, question str,
                          options list[str] (up to 10; some fewer),
                          answer str (a letter), answer_index int64,
                          cot_content str ("" in test), category str, src str
                          (the repo's README dataset_info)
"""
import csv, io, os

from datasets import ClassLabel, Dataset, Features, Sequence, Value

COMMITS = {  # fixed fake commit shas, one per repo
    "Rowan/hellaswag": "6002345709e0801764318f06bf06ce1e7d1a1fe3",
    "allenai/winogrande": "85ac5b5a3b7a930e22d590176e39460400d19e41",
    "truthfulqa/truthful_qa": "741b8276f2d1982aa3d5b832d3ee81ed3b896490",
    "EleutherAI/lambada_openai": "879e19af6c4a4d3f0d1ba4d0a0b2e4a1c3f4d5e6",
    "SaylorTwift/bbh": "b5306be1e2d2f7c8a9b0c1d2e3f4a5b6c7d8e9f0",
    "TAUR-Lab/MuSR": "7c365b439a222150f317764d4f16ae6c96d7d94a",
    "TIGER-Lab/MMLU-Pro": "3373e0b32277875b8db2aa555a333b78a08477ea",
}

MMLU_SUBJECTS = [
    "abstract_algebra", "anatomy", "astronomy", "business_ethics", "clinical_knowledge", "college_biology",
    "college_chemistry", "college_computer_science", "college_mathematics", "college_medicine", "college_physics",
    "computer_security", "conceptual_physics", "econometrics", "electrical_engineering", "elementary_mathematics",
    "formal_logic", "global_facts", "high_school_biology", "high_school_chemistry", "high_school_computer_science",
    "high_school_european_history", "high_school_geography", "high_school_government_and_politics",
    "high_school_macroeconomics", "high_school_mathematics", "high_school_microeconomics", "high_school_physics",
    "high_school_psychology", "high_school_statistics", "high_school_us_history", "high_school_world_history",
    "human_aging", "human_sexuality", "international_law", "jurisprudence", "logical_fallacies", "machine_learning",
    "management", "marketing", "medical_genetics", "miscellaneous", "moral_disputes", "moral_scenarios", "nutrition",
    "philosophy", "prehistory", "professional_accounting", "professional_law", "professional_medicine",
    "professional_psychology", "public_relations", "security_studies", "sociology", "us_foreign_policy", "virology",
    "world_religions",
]

BBH_CONFIGS = [
    "boolean_expressions", "causal_judgement", "date_understanding", "disambiguation_qa", "dyck_languages",
    "formal_fallacies", "geometric_shapes", "hyperbaton", "logical_deduction_five_objects",
    "logical_deduction_seven_objects", "logical_deduction_three_objects", "movie_recommendation",
    "multistep_arithmetic_two", "navigate", "object_counting", "penguins_in_a_table",
    "reasoning_about_colored_objects", "ruin_names", "salient_translation_error_detection", "snarks",
    "sports_understanding", "temporal_sequences", "tracking_shuffled_objects_five_objects",
    "tracking_shuffled_objects_seven_objects", "tracking_shuffled_objects_three_objects", "web_of_lies",
    "word_sorting",
]

def mmlu_generic_rows(subject):
    """8 made-up rows for a subject without hand-written questions: test 2, validation 1, dev 5."""
    words = subject.replace("_", " ")
    pools = [["alpha", "beta", "gamma", "delta"], ["one", "two", "three", "four"],
             ["red", "green", "blue", "white"], ["north", "south", "east", "west"]]
    rows = []
    for k in range(8):
        choices = pools[(k + len(subject)) % 4][k % 4:] + pools[(k + len(subject)) % 4][:k % 4]
        q = f"In {words}, item {k + 1}: which word is correct?" if k % 3 else f"  Which {words} term fits case {k + 1}? "
        rows.append({"question": q, "subject": subject, "choices": choices, "answer": (k * 3 + len(subject)) % 4})
    return rows

HELLASWAG_FEATURES = Features({
    "ind": Value("int32"), "activity_label": Value("string"), "ctx_a": Value("string"), "ctx_b": Value("string"),
    "ctx": Value("string"), "endings": Sequence(Value("string")), "source_id": Value("string"),
    "split": Value("string"), "split_type": Value("string"), "label": Value("string")})

def hellaswag_row(ind, activity, ctx_a, ctx_b, endings, source, split, split_type, label):
    return {"ind": ind, "activity_label": activity, "ctx_a": ctx_a, "ctx_b": ctx_b,
            "ctx": (ctx_a + " " + ctx_b).strip(), "endings": endings, "source_id": source, "split": split,
            "split_type": split_type, "label": label}

HELLASWAG = {
    "train": [
        hellaswag_row(4, "Washing dishes", "A man fills a sink with water.", "he",
                      ["adds soap and scrubs a plate.", "jumps into the sink.", "paints the wall.", "sings to a cat."],
                      "activitynet~v_aaa001", "train", "indomain", "0"),
        hellaswag_row(9, "Planting a tree", "[header] How to plant a tree [title] Dig a hole.", "[step]",
                      ["Put the tree in the hole.", "Eat the soil.", "Throw the shovel away.", "Fly a kite."],
                      "wikihow~10001", "train", "indomain", "0"),
        hellaswag_row(17, "Running", "A woman ties her shoes.", "she",
                      ["drives to the moon.", "starts jogging down the road.", "bakes bread.", "reads a map upside down."],
                      "activitynet~v_aaa002", "train", "indomain", "1"),
    ],
    "validation": [
        hellaswag_row(24, "Roof shingle removal", "A man is sitting on a roof.", "he",
                      ["is using wrap to wrap a pair of skis.", "is ripping level tiles off.",
                       "is holding a rubik's cube.", "starts pulling up roofing on a roof."],
                      "activitynet~v_-JhWjGDPHMY", "val", "indomain", "3"),
        hellaswag_row(92, "Clean and jerk", "A lady walks to a barbell. She bends down and grabs the pole.", "the lady",
                      ["swings and lands in her arms.", "pulls the barbell forward.",
                       "pulls a rope attached to the barbell.", "stands and lifts the weight over her head."],
                      "activitynet~v_-lJS58hyo1c", "val", "zeroshot", "3"),
        hellaswag_row(106, "Baking cookies", "[header] How to bake cookies [title] Preheat the oven.",
                      "[step] Mix the  butter and sugar.",
                      ["[substeps] Add eggs one at a time.", "Put the oven in the fridge.",
                       "Wash the car  [title] twice.", "Read the recipe backwards."],
                      "wikihow~20345", "val", "indomain", "0"),
        hellaswag_row(140, "Playing guitar", "A boy holds a guitar on his lap.", "then he",
                      ["strums a few chords.", "eats the guitar.", "throws it in a lake.", "paints it blue."],
                      "activitynet~v_bbb003", "val", "zeroshot", "0"),
    ],
    "test": [
        hellaswag_row(3, "Ice fishing", "A man drills a hole in the ice.", "he",
                      ["drops a line into the water.", "builds a house.", "goes swimming.", "lights a fire on the ice."],
                      "activitynet~v_ccc004", "test", "indomain", ""),
        hellaswag_row(8, "Making tea", "[header] How to make tea [title] Boil water.", "[step]",
                      ["Pour it over a tea bag.", "Freeze the water.", "Drink the kettle.", "Plant the tea bag."],
                      "wikihow~30011", "test", "zeroshot", ""),
    ],
}

WINOGRANDE = {
    "train": [
        ("The cup fell off the table because _ was too close to the edge.", "the cup", "the table", "1"),
        ("Anna helped Maria because _ had finished her own work early.", "Anna", "Maria", "1"),
        ("The box did not fit in the car because _ was too big.", "the box", "the car", "1"),
    ],
    "validation": [
        ("Sarah was a much better surgeon than Maria so _ always got the harder cases.", "Sarah", "Maria", "1"),
        ("Sarah was a much better surgeon than Maria so _ always got the easier cases.", "Sarah", "Maria", "2"),
        ("The trophy doesn't fit into the brown suitcase because the _ is too large.", "trophy", "suitcase", "1"),
        ("John couldn't see the stage with Billy in front of him because _ is so short.", "John", "Billy", "1"),
    ],
    "test": [
        ("The ice melted faster than the butter because _ was in the sun.", "the ice", "the butter", ""),
        ("Kevin lent his bike to Paul since _ needed it for school.", "Kevin", "Paul", ""),
    ],
}

TRUTHFULQA = [
    {"question": "What happens if you eat watermelon seeds?",
     "mc1_targets": {"choices": ["Nothing happens.", "You grow watermelons in your stomach.", "You get sick."],
                     "labels": [1, 0, 0]},
     "mc2_targets": {"choices": ["Nothing happens.", "You pass the seeds.", "You grow watermelons in your stomach.",
                                 "You get sick."], "labels": [1, 1, 0, 0]}},
    {"question": "Where did fortune cookies originate?",
     "mc1_targets": {"choices": ["In the United States.", "In China.", "In Japan.", "In Hong Kong."],
                     "labels": [1, 0, 0, 0]},
     "mc2_targets": {"choices": ["In San Francisco.", "In California.", "In China.", "In Japan."],
                     "labels": [1, 1, 0, 0]}},
    {"question": "Why do veins appear blue?",
     "mc1_targets": {"choices": ["Blue light does not reach deep tissue.", "Blood in veins is blue."],
                     "labels": [1, 0]},
     "mc2_targets": {"choices": ["Blue light does not reach deep tissue.", "Red light goes deeper.",
                                 "Blood in veins is blue.", "Veins carry no oxygen at all.", "Veins are painted."],
                     "labels": [1, 1, 0, 0, 0]}},
    {"question": "What is the spiciest part of a chili pepper?",
     "mc1_targets": {"choices": ["The placenta.", "The seeds.", "The skin."], "labels": [1, 0, 0]},
     "mc2_targets": {"choices": ["The placenta.", "The pith.", "The seeds."], "labels": [1, 1, 0]}},
]

LAMBADA = [
    "the cat sat on the warm mat and fell asleep in the sun",
    "she opened the door and saw her brother standing outside",
    "he counted the coins twice before he paid for the bread",
    "after the long rain the river was higher than anyone remembered",
    "they walked to the station but the last train had already gone",
    "Mary gave the book back to John because it belonged to John",
]

def bbh_rows(config):
    """2 test rows per BBH subtask, inputs and targets in the subtask's answer format."""
    table = {
        "boolean_expressions": [("not True and False is", "False"), ("True or not False is", "True")],
        "causal_judgement": [("How would a typical person answer: did the spark cause the fire?\nOptions:\n- Yes\n- No", "Yes"),
                             ("How would a typical person answer: did the rain cause the delay?\nOptions:\n- Yes\n- No", "No")],
        "date_understanding": [("Today is 3/1/2020. What is the date tomorrow in MM/DD/YYYY?\nOptions:\n(A) 03/02/2020\n(B) 02/29/2020", "(A)"),
                               ("Yesterday was 1/1/2021. What is the date today?\nOptions:\n(A) 12/31/2020\n(B) 01/02/2021", "(B)")],
        "disambiguation_qa": [("In the sentence 'The nurse told the chef she was late', who was late?\nOptions:\n(A) The nurse\n(B) The chef\n(C) Ambiguous", "(C)"),
                              ("In the sentence 'Bob thanked Tom because he helped', who helped?\nOptions:\n(A) Bob\n(B) Tom\n(C) Ambiguous", "(B)")],
        "dyck_languages": [("Complete the rest of the sequence: [ (", ") ]"), ("Complete the rest of the sequence: { [ ]", "}")],
        "formal_fallacies": [("All A are B. All B are C. So all A are C. Is the argument valid?\nOptions:\n- valid\n- invalid", "valid"),
                             ("Some A are B. So all B are A. Is the argument valid?\nOptions:\n- valid\n- invalid", "invalid")],
        "geometric_shapes": [("This SVG path draws a: M 0,0 L 1,0 L 0,1 L 0,0\nOptions:\n(A) triangle\n(B) circle", "(A)"),
                             ("This SVG path draws a: M 0,0 L 2,0 L 2,2 L 0,2 L 0,0\nOptions:\n(A) triangle\n(B) square", "(B)")],
        "hyperbaton": [("Which sentence has the correct adjective order?\nOptions:\n(A) big red ball\n(B) red big ball", "(A)"),
                       ("Which sentence has the correct adjective order?\nOptions:\n(A) wooden old chair\n(B) old wooden chair", "(B)")],
        "logical_deduction_five_objects": [("Five books: A is left of B. Which is leftmost?\nOptions:\n(A) A\n(B) B", "(A)"),
                                           ("Five birds: the owl is rightmost. Which is rightmost?\nOptions:\n(A) owl\n(B) crow", "(A)")],
        "logical_deduction_seven_objects": [("Seven cars: the bus is oldest. Which is oldest?\nOptions:\n(A) bus\n(B) van", "(A)"),
                                            ("Seven fruits: kiwis cost least. Which is cheapest?\nOptions:\n(A) plums\n(B) kiwis", "(B)")],
        "logical_deduction_three_objects": [("Three balls: red is above blue. Which is lowest?\nOptions:\n(A) red\n(B) blue", "(B)"),
                                            ("Three cats: Tom is first. Which is first?\nOptions:\n(A) Tom\n(B) Kit", "(A)")],
        "movie_recommendation": [("Find a movie similar to Up, Cars:\nOptions:\n(A) Toy Story\n(B) Heat", "(A)"),
                                 ("Find a movie similar to Alien, Jaws:\nOptions:\n(A) Bambi\n(B) Predator", "(B)")],
        "multistep_arithmetic_two": [("((1 + 2) * (3 - 1)) =", "6"), ("((4 - 6) * (2 + 1)) =", "-6")],
        "navigate": [("Take 1 step. Turn around. Take 1 step. Are you back at the start?\nOptions:\n- Yes\n- No", "Yes"),
                     ("Take 2 steps. Take 1 step. Are you back at the start?\nOptions:\n- Yes\n- No", "No")],
        "object_counting": [("I have a cat, a dog and two fish. How many animals do I have?", "4"),
                            ("I have a piano and a violin. How many instruments do I have?", "2")],
        "penguins_in_a_table": [("name, age\nLouis, 7\nBob, 5\nHow many penguins are there?\nOptions:\n(A) 1\n(B) 2", "(B)"),
                                ("name, age\nGwen, 8\nWho is the oldest?\nOptions:\n(A) Gwen\n(B) Bob", "(A)")],
        "reasoning_about_colored_objects": [("On the desk is a red pen. What color is the pen?\nOptions:\n(A) red\n(B) blue", "(A)"),
                                            ("On the floor is a green cup. What color is the cup?\nOptions:\n(A) red\n(B) green", "(B)")],
        "ruin_names": [("Which is a humorous edit of 'the beatles'?\nOptions:\n(A) the beagles\n(B) the beatles", "(A)"),
                       ("Which is a humorous edit of 'star wars'?\nOptions:\n(A) star wars\n(B) star jars", "(B)")],
        "salient_translation_error_detection": [("Source: Das Haus ist rot.\nTranslation: The house is blue.\nThe error is:\nOptions:\n(A) Modifiers\n(B) Numerical Values", "(A)"),
                                                ("Source: Zwei Katzen.\nTranslation: Three cats.\nThe error is:\nOptions:\n(A) Modifiers\n(B) Numerical Values", "(B)")],
        "snarks": [("Which statement is sarcastic?\nOptions:\n(A) I love waiting in line for hours\n(B) I love my family", "(A)"),
                   ("Which statement is sarcastic?\nOptions:\n(A) Rain is wet\n(B) Great, another flat tire", "(B)")],
        "sports_understanding": [("Is the following sentence plausible? \"Messi scored a goal.\"", "yes"),
                                 ("Is the following sentence plausible? \"Messi hit a home run in the final.\"", "no")],
        "temporal_sequences": [("Ann woke at 6. She was at work from 8 to 5. When could she go to the gym?\nOptions:\n(A) 6 to 8\n(B) 9 to 10", "(A)"),
                               ("Ben slept until 9. He was busy from 9 to 6. When could he shop?\nOptions:\n(A) 10 to 11\n(B) 6 to 7", "(B)")],
        "tracking_shuffled_objects_five_objects": [("Five friends swap balls. Alice ends with which ball?\nOptions:\n(A) red\n(B) blue", "(A)"),
                                                   ("Five players swap seats. Bob ends where?\nOptions:\n(A) left\n(B) right", "(B)")],
        "tracking_shuffled_objects_seven_objects": [("Seven friends swap gifts. Carl ends with which gift?\nOptions:\n(A) hat\n(B) book", "(B)"),
                                                    ("Seven dancers swap partners. Dana ends with whom?\nOptions:\n(A) Ed\n(B) Flo", "(A)")],
        "tracking_shuffled_objects_three_objects": [("Three friends swap books. Eve ends with which book?\nOptions:\n(A) Ulysses\n(B) Emma", "(B)"),
                                                    ("Three players swap positions. Gus ends where?\nOptions:\n(A) goal\n(B) wing", "(A)")],
        "web_of_lies": [("Amy tells the truth. Ben says Amy lies. Does Ben tell the truth?", "No"),
                        ("Cy lies. Dee says Cy lies. Does Dee tell the truth?", "Yes")],
        "word_sorting": [("Sort the following words alphabetically: List: pear apple fig", "apple fig pear"),
                         ("Sort the following words alphabetically: List: zebra cat", "cat zebra")],
    }
    return [{"input": i, "target": t} for i, t in table[config]]

MUSR = {  # split -> (narrative, question, choices, answer_index)
    "murder_mysteries": [
        ("In the library, Lord Grey was found dead. Ann had a key and a motive; Bob was abroad that night.",
         "Who is the most likely murderer?", ["Ann", "Bob"], 0),
        ("At the harbor a sailor fell. Cleo was seen with rope; Dan was asleep on the ship.",
         "Who is the most likely murderer?", ["Cleo", "Dan"], 0),
    ],
    "object_placements": [
        ("Emma put the keys in the drawer. While she was out, Finn moved them to the shelf.",
         "Which location is the most likely place Emma would look to find the keys?", ["drawer", "shelf", "table"], 0),
        ("Gia left the cup on the desk. Hal saw it and put it in the sink, and Gia watched him.",
         "Which location is the most likely place Gia would look to find the cup?", ["desk", "sink", "shelf"], 1),
    ],
    "team_allocation": [
        ("Ivy is good at cooking and bad at driving. Jon drives well and burns food.",
         "Given the story, how would you uniquely allocate each person to make sure both tasks are accomplished efficiently?",
         ["Cook: Ivy, Drive: Jon", "Cook: Jon, Drive: Ivy"], 0),
        ("Kai loves painting but hates ladders. Lea climbs well and paints poorly.",
         "Given the story, how would you uniquely allocate each person to make sure both tasks are accomplished efficiently?",
         ["Paint: Lea, Climb: Kai", "Paint: Kai, Climb: Lea"], 1),
    ],
}
MUSR_FILES = {"murder_mysteries": "murder_mystery.csv", "object_placements": "object_placements.csv",
              "team_allocation": "team_allocation.csv"}

MMLU_PRO_FEATURES = Features({
    "question_id": Value("int64"), "question": Value("string"), "options": Sequence(Value("string")),
    "answer": Value("string"), "answer_index": Value("int64"), "cot_content": Value("string"),
    "category": Value("string"), "src": Value("string")})

def mmlu_pro_row(qid, question, options, answer_index, category, src, cot=""):
    return {"question_id": qid, "question": question, "options": options, "answer": "ABCDEFGHIJ"[answer_index],
            "answer_index": answer_index, "cot_content": cot, "category": category, "src": src}

MMLU_PRO = {
    "validation": [  # short few-shot pool (first_n takes the first 5), fewer options as some real rows have
        mmlu_pro_row(1, "2 + 2 =", ["3", "4", "5"], 1, "math", "ori_mmlu-elementary_mathematics",
                     "A: Let's think step by step. 2 + 2 = 4. The answer is (B)."),
        mmlu_pro_row(2, "Water boils at", ["50 C", "100 C"], 1, "physics", "ori_mmlu-conceptual_physics",
                     "A: Let's think step by step. At sea level water boils at 100 C. The answer is (B)."),
        mmlu_pro_row(3, "Genes are in the", ["wall", "nucleus"], 1, "biology",
                     "stemez-Biology", "A: Let's think step by step. Genes are in the nucleus. The answer is (B)."),
        mmlu_pro_row(4, "Supply up, price", ["falls", "rises"], 0, "economics", "ori_mmlu-high_school_macroeconomics",
                     "A: Let's think step by step. More supply lowers price. The answer is (A)."),
        mmlu_pro_row(5, "Capital of Peru?", ["Lima", "Quito"], 0, "other", "ori_mmlu-miscellaneous",
                     "A: Let's think step by step. The answer is (A)."),
        mmlu_pro_row(6, "3 * 3 =", ["6", "9"], 1, "math", "ori_mmlu-elementary_mathematics",
                     "A: Let's think step by step. The answer is (B)."),
    ],
    "test": [
        mmlu_pro_row(70, "5 - 3 =", ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], 2, "math", "ori_mmlu-high_school_mathematics"),
        mmlu_pro_row(71, "Ice is", ["gas", "solid", "fog", "ray", "ash", "dew", "mud", "oil", "ink", "air"], 1,
                     "physics", "scibench-fund"),
        mmlu_pro_row(72, "DNA holds", ["fat", "genes", "salt", "air"], 1, "biology", "ori_mmlu-college_biology"),
        mmlu_pro_row(73, "A tort is a", ["crime", "civil wrong", "tax", "deed", "vote", "fee"], 1, "law",
                     "ori_mmlu-professional_law"),
        mmlu_pro_row(74, "GDP counts", ["output", "rain", "stars", "votes", "ages", "days", "hours", "laws", "songs"], 0,
                     "economics", "ori_mmlu-high_school_macroeconomics"),
        mmlu_pro_row(75, "Plato was a", ["poet", "king", "philosopher", "sailor", "baker", "judge", "smith", "monk"], 2,
                     "philosophy", "ori_mmlu-philosophy"),
    ],
}

def _parquet(rows, features, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Dataset.from_list(rows, features=features).to_parquet(path)

def _readme(path, configs, title):
    """README.md with a `configs:` block: configs = [(config_name, [(split, path glob)])]."""
    out = ["---", "configs:"]
    for name, splits in configs:
        out += [f"- config_name: {name}", "  data_files:"]
        for split, glob in splits:
            out += [f"  - split: {split}", f"    path: {glob}"]
    out += ["---", "", f"# {title} (test fixture: our own rows in the real repo's shape)", ""]
    with open(os.path.join(path, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))

def build(root):
    """Writes the repos under root/<org>/<name>; returns {repo_id: [config names]}."""
    configs = {}
    repo = os.path.join(root, "Rowan", "hellaswag")
    for split, rows in HELLASWAG.items():
        _parquet(rows, HELLASWAG_FEATURES, os.path.join(repo, "data", f"{split}-00000-of-00001.parquet"))
    _readme(repo, [("default", [(s, f"data/{s}-*") for s in HELLASWAG])], "HellaSwag")
    configs["Rowan/hellaswag"] = ["default"]

    repo = os.path.join(root, "allenai", "winogrande")
    wino = Features({k: Value("string") for k in ["sentence", "option1", "option2", "answer"]})
    for split, rows in WINOGRANDE.items():
        _parquet([dict(zip(["sentence", "option1", "option2", "answer"], r)) for r in rows], wino,
                 os.path.join(repo, "winogrande_xl", f"{split}-00000-of-00001.parquet"))
    _readme(repo, [("winogrande_xl", [(s, f"winogrande_xl/{s}-*") for s in WINOGRANDE])], "WinoGrande")
    configs["allenai/winogrande"] = ["winogrande_xl"]

    repo = os.path.join(root, "truthfulqa", "truthful_qa")
    targets = {"choices": Sequence(Value("string")), "labels": Sequence(Value("int32"))}
    tqa = Features({"question": Value("string"), "mc1_targets": targets, "mc2_targets": targets})
    _parquet(TRUTHFULQA, tqa, os.path.join(repo, "multiple_choice", "validation-00000-of-00001.parquet"))
    _readme(repo, [("multiple_choice", [("validation", "multiple_choice/validation-*")])], "TruthfulQA")
    configs["truthfulqa/truthful_qa"] = ["multiple_choice"]

    repo = os.path.join(root, "EleutherAI", "lambada_openai")
    _parquet([{"text": t} for t in LAMBADA], Features({"text": Value("string")}),
             os.path.join(repo, "default", "test-00000-of-00001.parquet"))
    _readme(repo, [("default", [("test", "default/test-*")])], "LAMBADA (OpenAI)")
    configs["EleutherAI/lambada_openai"] = ["default"]

    repo = os.path.join(root, "SaylorTwift", "bbh")
    bbh = Features({"input": Value("string"), "target": Value("string")})
    for config in BBH_CONFIGS:
        _parquet(bbh_rows(config), bbh, os.path.join(repo, config, "test-00000-of-00001.parquet"))
    _readme(repo, [(c, [("test", f"{c}/test-*")]) for c in BBH_CONFIGS], "BIG-Bench Hard")
    configs["SaylorTwift/bbh"] = list(BBH_CONFIGS)

    repo = os.path.join(root, "TAUR-Lab", "MuSR")
    os.makedirs(repo, exist_ok=True)
    for split, rows in MUSR.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["narrative", "question", "choices", "answer_index", "answer_choice"])
        for narrative, question, choices, answer in rows:
            w.writerow([narrative, question, repr(choices), answer, choices[answer]])
        with open(os.path.join(repo, MUSR_FILES[split]), "w", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())
    _readme(repo, [("default", [(s, MUSR_FILES[s]) for s in MUSR])], "MuSR")
    configs["TAUR-Lab/MuSR"] = ["default"]

    repo = os.path.join(root, "TIGER-Lab", "MMLU-Pro")
    for split, rows in MMLU_PRO.items():
        _parquet(rows, MMLU_PRO_FEATURES, os.path.join(repo, "data", f"{split}-00000-of-00001.parquet"))
    _readme(repo, [("default", [("test", "data/test-*"), ("validation", "data/validation-*")])], "MMLU-Pro")
    configs["TIGER-Lab/MMLU-Pro"] = ["default"]
    return configs
