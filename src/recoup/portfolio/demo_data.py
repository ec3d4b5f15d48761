"""Word lists for the demo book. Phone numbers are from the ranges set aside for fiction
(US 555-0100 to 555-0199 per the North American Numbering Plan Administrator; UK drama numbers
per Ofcom), email domains are the reserved example domains (RFC 2606)."""

US_GIVEN = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Carlos Karen Daniel Lisa Matthew Nancy Anthony Sandra Mark Ashley Jose "
    "Kimberly Luis Emily Andre Donna Kevin Michelle Brian Maria Jamal Latoya Hector Yesenia Tyrone Keisha"
).split()
US_FAMILY = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams"
).split()
UK_GIVEN = (
    "Oliver Amelia George Isla Harry Ava Jack Mia Jacob Ivy Noah Lily Charlie Isabella Muhammad Rosie "
    "Thomas Sophia Oscar Grace William Freya James Evie Leo Poppy Alfie Emily Joshua Ella Aisha Priya "
    "Callum Siobhan Rhys Cerys Eilidh Ruairidh Niamh Ciaran Fiona Gareth Bethan Hamish"
).split()
UK_FAMILY = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson Evans Walker "
    "White Roberts Green Hall Wood Jackson Clarke Khan Hughes Edwards Lewis Morgan Campbell Stewart "
    "MacDonald Murray Reid Kelly O'Neill Quinn Begum Ali Hussain Singh Thomas Price Griffiths Baker"
).split()
STREETS_US = (
    "Maple Ave|Oak St|Washington Blvd|Lakeview Dr|Pine St|Cedar Ln|Elm St|Sunset Blvd|Park Ave|Main St|"
    "Highland Ave|Willow Way|Ridge Rd|Magnolia Dr|Cypress Ct|Mesa Verde Dr"
).split("|")
STREETS_UK = (
    "High Street|Station Road|Church Lane|Victoria Road|Park Road|Mill Lane|Queens Road|Kings Avenue|"
    "The Crescent|Manor Way|Albert Street|Bridge Street|Glebe Road|Orchard Close"
).split("|")
# City, state, ZIP, area code.
US_PLACES = (
    ("Houston", "TX", "77002", "713"),
    ("El Paso", "TX", "79901", "915"),
    ("Dallas", "TX", "75201", "214"),
    ("Miami", "FL", "33130", "305"),
    ("Pensacola", "FL", "32502", "850"),
    ("Los Angeles", "CA", "90012", "213"),
    ("San Diego", "CA", "92101", "619"),
    ("Phoenix", "AZ", "85004", "602"),
    ("Denver", "CO", "80202", "303"),
    ("Chicago", "IL", "60602", "312"),
    ("Atlanta", "GA", "30303", "404"),
    ("Charlotte", "NC", "28202", "704"),
    ("Boston", "MA", "02108", "617"),
    ("Wichita", "KS", "67202", "316"),
    ("Louisville", "KY", "40202", "502"),
    ("Nashville", "TN", "37203", "615"),
    ("Detroit", "MI", "48226", "313"),
    ("Columbus", "OH", "43215", "614"),
    ("Newark", "NJ", "07102", "973"),
    ("Brooklyn", "NY", "11201", "718"),
    ("Seattle", "WA", "98104", "206"),
    ("Portland", "OR", "97204", "503"),
    ("Boise", "ID", "83702", "208"),
    ("Las Vegas", "NV", "89101", "702"),
)
# Town, postcode, nation, phone prefix (E.164, drama range) to which three digits are added.
UK_PLACES = (
    ("London", "SW1A 2AA", "ENG", "+44207946"),
    ("London", "E1 6AN", "ENG", "+44207946"),
    ("Leeds", "LS1 4DY", "ENG", "+44113496"),
    ("Manchester", "M1 1AE", "ENG", "+44161496"),
    ("Birmingham", "B2 4QA", "ENG", "+44121496"),
    ("Bristol", "BS1 5TR", "ENG", "+44117496"),
    ("Glasgow", "G1 1XQ", "SCT", "+44141496"),
    ("Edinburgh", "EH1 1YZ", "SCT", "+44131496"),
    ("Cardiff", "CF10 1EP", "WLS", "+44292018"),
    ("Belfast", "BT1 5GS", "NIR", "+44289018"),
)
# World manufacturer identifier, make, models; the first character says where it was built.
VEHICLES_US = (
    ("1FT", "Ford", ("F-150", "Ranger", "Maverick")),
    ("1FM", "Ford", ("Explorer", "Escape", "Bronco Sport")),
    ("1G1", "Chevrolet", ("Malibu", "Equinox", "Trax")),
    ("1GC", "Chevrolet", ("Silverado 1500", "Colorado")),
    ("1HG", "Honda", ("Accord", "Civic")),
    ("5J6", "Honda", ("CR-V", "HR-V")),
    ("4T1", "Toyota", ("Camry", "Corolla")),
    ("5TD", "Toyota", ("Highlander", "Sienna")),
    ("1N4", "Nissan", ("Altima", "Sentra")),
    ("5YJ", "Tesla", ("Model 3", "Model Y")),
    ("3VW", "Volkswagen", ("Jetta", "Taos")),
    ("1C4", "Jeep", ("Grand Cherokee", "Wrangler", "Compass")),
)
VEHICLES_UK = (
    ("WF0", "Ford", ("Fiesta", "Focus", "Puma", "Kuga")),
    ("WVW", "Volkswagen", ("Golf", "Polo", "T-Roc")),
    ("WBA", "BMW", ("1 Series", "3 Series", "X1")),
    ("SJN", "Nissan", ("Qashqai", "Juke")),
    ("SAL", "Land Rover", ("Discovery Sport", "Range Rover Evoque")),
    ("VF1", "Renault", ("Clio", "Captur")),
    ("TMB", "Skoda", ("Octavia", "Fabia", "Kodiaq")),
    ("KNA", "Kia", ("Sportage", "Ceed", "Niro")),
    ("SB1", "Toyota", ("Yaris", "Corolla", "C-HR")),
    ("WAU", "Audi", ("A3", "Q3")),
)
TRIMS = ("", "SE", "SEL", "Limited", "Sport", "Titanium", "Premium", "LX", "EX-L")
COLOURS = ("White", "Black", "Silver", "Grey", "Blue", "Red", "Green", "Bronze")
US_DEALERS = (
    "Lone Star Auto Group",
    "Sunshine Motors",
    "Pacific Coast Cars",
    "Great Lakes Ford",
    "Peachtree Honda",
)
UK_DEALERS = (
    "Arnold Clark",
    "Pennine Motors",
    "Thames Valley Cars",
    "Caledonian Autos",
    "Severn Bridge Motors",
)
# Model-year letter (position 10 of a VIN).
MODEL_YEAR_CODES = {
    2016: "G",
    2017: "H",
    2018: "J",
    2019: "K",
    2020: "L",
    2021: "M",
    2022: "N",
    2023: "P",
    2024: "R",
    2025: "S",
    2026: "T",
    2027: "V",
}

# Payment behaviour: (share of accounts, profile).
PROFILES = ((0.68, "steady"), (0.12, "late"), (0.05, "partial"), (0.12, "stopped"), (0.03, "returned"))
