"""The 101 départements of France (code officiel géographique): codes and names.

Kept as a table in code because the list changes once a generation and settings need it before the
database exists (to refuse an unknown ``OSEZ_DEPARTEMENTS`` code at start-up).
"""

DEPARTEMENTS = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes", "09": "Ariège", "10": "Aube",
    "11": "Aude", "12": "Aveyron", "13": "Bouches-du-Rhône", "14": "Calvados", "15": "Cantal",
    "16": "Charente", "17": "Charente-Maritime", "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud",
    "2B": "Haute-Corse", "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne",
    "25": "Doubs", "26": "Drôme", "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard",
    "31": "Haute-Garonne", "32": "Gers", "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine",
    "36": "Indre", "37": "Indre-et-Loire", "38": "Isère", "39": "Jura", "40": "Landes",
    "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire", "44": "Loire-Atlantique", "45": "Loiret",
    "46": "Lot", "47": "Lot-et-Garonne", "48": "Lozère", "49": "Maine-et-Loire", "50": "Manche",
    "51": "Marne", "52": "Haute-Marne", "53": "Mayenne", "54": "Meurthe-et-Moselle", "55": "Meuse",
    "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord", "60": "Oise", "61": "Orne",
    "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques", "65": "Hautes-Pyrénées",
    "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin", "69": "Rhône", "70": "Haute-Saône",
    "71": "Saône-et-Loire", "72": "Sarthe", "73": "Savoie", "74": "Haute-Savoie", "75": "Paris",
    "76": "Seine-Maritime", "77": "Seine-et-Marne", "78": "Yvelines", "79": "Deux-Sèvres", "80": "Somme",
    "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var", "84": "Vaucluse", "85": "Vendée", "86": "Vienne",
    "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne", "90": "Territoire de Belfort", "91": "Essonne",
    "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis", "94": "Val-de-Marne", "95": "Val-d'Oise",
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion", "976": "Mayotte",
}  # fmt: skip

# Prefectures, for "distance to the prefecture" on commune pages (code INSEE of the chef-lieu).
PREFECTURES = {
    "01": "01053", "02": "02408", "03": "03190", "04": "04070", "05": "05061", "06": "06088",
    "07": "07186", "08": "08105", "09": "09122", "10": "10387", "11": "11069", "12": "12202",
    "13": "13055", "14": "14118", "15": "15014", "16": "16015", "17": "17300", "18": "18033",
    "19": "19272", "2A": "2A004", "2B": "2B033", "21": "21231", "22": "22278", "23": "23096",
    "24": "24322", "25": "25056", "26": "26362", "27": "27229", "28": "28085", "29": "29232",
    "30": "30189", "31": "31555", "32": "32013", "33": "33063", "34": "34172", "35": "35238",
    "36": "36044", "37": "37261", "38": "38185", "39": "39300", "40": "40192", "41": "41018",
    "42": "42218", "43": "43157", "44": "44109", "45": "45234", "46": "46042", "47": "47001",
    "48": "48095", "49": "49007", "50": "50502", "51": "51108", "52": "52121", "53": "53130",
    "54": "54395", "55": "55029", "56": "56260", "57": "57463", "58": "58194", "59": "59350",
    "60": "60057", "61": "61001", "62": "62041", "63": "63113", "64": "64445", "65": "65440",
    "66": "66136", "67": "67482", "68": "68066", "69": "69123", "70": "70550", "71": "71270",
    "72": "72181", "73": "73065", "74": "74010", "75": "75056", "76": "76540", "77": "77288",
    "78": "78646", "79": "79191", "80": "80021", "81": "81004", "82": "82121", "83": "83137",
    "84": "84007", "85": "85191", "86": "86194", "87": "87085", "88": "88160", "89": "89024",
    "90": "90010", "91": "91228", "92": "92050", "93": "93008", "94": "94028", "95": "95500",
    "971": "97105", "972": "97209", "973": "97302", "974": "97411", "976": "97611",
}  # fmt: skip
