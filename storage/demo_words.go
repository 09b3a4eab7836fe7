package storage

// The demo's made-up people and words. Names mix scripts and accents so
// that search, folding and the board's column widths meet real-looking
// text; e-mail domains are the reserved example ones and phone numbers
// come from the ranges set aside for drama (Ofcom's 07700 900xxx, the US
// 555-01xx), so no demo row can reach a real person.

var demoFirstNames = []string{
	"Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Freya", "Grace", "Sophia",
	"Noah", "Oliver", "George", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie", "Henry",
	"Zoë", "Chloé", "Renée", "Siobhán", "Aoife", "Niamh", "Seán", "Ciarán", "Eóin", "Mairéad",
	"José", "María", "Lucía", "Jesús", "Inés", "François", "Hélène", "Jürgen", "Björn", "Søren",
	"Łukasz", "Zofia", "Małgorzata", "Agnieszka", "Dorota", "Ştefan", "Ioana", "Dragoș", "Jiří", "Kateřina",
	"Priya", "Arjun", "Ananya", "Rohan", "Aisha", "Fatima", "Omar", "Yusuf", "Zainab", "Ibrahim",
	"Wei", "Mei", "Hiroshi", "Yuki", "Min-jun", "Seo-yeon", "Thảo", "Minh", "Ngozi", "Chinedu",
	"Kwame", "Ama", "Tendai", "Nomvula", "Mateus", "Beatriz", "Giulia", "Matteo", "Ελένη", "Дмитрий",
	"Anne-Marie", "Jean-Luc", "Mary-Kate", "D'Arcy", "Ruth", "Esther", "Samuel", "Daniel", "Eleanor", "Florence",
}

var demoSurnames = []string{
	"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
	"Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
	"O'Brien", "O'Connor", "Ó Súilleabháin", "Mac Giolla", "McAllister", "MacDonald", "Fitzgerald", "Ní Bhriain", "Ó Néill", "Kavanagh",
	"García", "Fernández", "López", "Martínez", "Müller", "Schäfer", "Größer", "Dubois", "Lefèvre", "Nørgaard",
	"Kowalski", "Wiśniewska", "Wójcik", "Lewandowski", "Nowak", "Popescu", "Ionescu", "Dvořák", "Novák", "Horváth",
	"Patel", "Sharma", "Singh", "Khan", "Ahmed", "Hussain", "Begum", "Ali", "Rahman", "Chaudhry",
	"Chen", "Wang", "Li", "Tanaka", "Suzuki", "Kim", "Park", "Nguyễn", "Trần", "Okafor",
	"Mensah", "Boateng", "Moyo", "Dlamini", "Silva", "Santos", "Rossi", "Bianchi", "Παπαδοπούλου", "Иванов",
	"Smith-Jones", "Ap Rhys", "van der Berg", "de la Cruz", "St. John", "Abu-Bakr", "Lloyd", "Hughes", "Morgan", "Price",
}

// The long tail of surnames: 28 × 16 English place-like names.
var demoSurnameStarts = []string{
	"Ash", "Black", "Brad", "Brook", "Carl", "Chad", "Dun", "Ed", "Fair", "Farn", "Gold", "Hart", "Hol", "Kings",
	"Lang", "Mar", "Nor", "Ox", "Pen", "Ray", "Shel", "Stan", "Thorn", "Wal", "Wes", "Whit", "Win", "Wood",
}

var demoSurnameEnds = []string{
	"ley", "ton", "field", "ford", "wood", "worth", "by", "ham", "well", "more", "dale", "bridge", "combe", "hurst", "stone", "wick",
}

var demoStreets = []string{
	"Acacia Avenue", "Station Road", "Church Lane", "High Street", "Victoria Road", "Mill Lane",
	"Park Crescent", "The Green", "Orchard Close", "Queen's Road", "Kingsway", "Meadow View",
}

var demoTowns = []string{
	"Leeds LS1 4AB", "Bristol BS1 5TR", "Manchester M1 2JQ", "York YO1 7HH", "Cardiff CF10 1AA",
	"Glasgow G1 1XQ", "Belfast BT1 5GS", "Norwich NR1 3JU", "Bath BA1 1LZ", "Leicester LE1 6ZG",
}

var demoAccessScopes = []string{
	"all records", "records since 2019", "blood test results", "letters to my GP",
	"the notes of my last appointment", "X-ray images and reports", "my vaccination history",
	"call recordings", "CCTV of my visit", "billing and payment records",
}

var demoFormats = []string{"PDF by e-mail", "paper copy", "USB stick", "secure download link"}

var demoWrong = []string{
	"the address is out of date", "my date of birth is wrong", "an allergy is missing",
	"the surname is misspelt", "a medication I stopped is still listed", "the wrong GP is named",
	"a diagnosis I never had is recorded", "the phone number is an old one",
}

var demoShouldSay = []string{
	"the new address I gave at the desk", "the date on my passport", "penicillin allergy",
	"the spelling on my ID", "nothing: remove it", "my current GP practice",
}

var demoParts = []string{
	"marketing preferences", "old contact details", "photos taken at the open day",
	"the newsletter list", "the online account", "recordings of my calls",
}

var demoSummaries = []string{
	"asked at the desk", "follow-up to a phone call", "letter forwarded by the GP",
	"wants it before moving abroad", "asked for a reply by e-mail", "says an earlier request went unanswered",
	"needs it for an insurance claim", "unhappy with how a call was handled", "received a text after opting out",
}

var demoNotes = []string{
	"Called the requester to confirm what they want.",
	"Left a voicemail asking them to call back.",
	"Records team asked to pull the files.",
	"Checked with the clinician about third-party information.",
	"Requester called to ask how it is going; told the due date.",
	"Sent a reminder about the ID we asked for.",
	"Files gathered; waiting for review by the lead.",
	"Redactions checked by a second person.",
	"Requester prefers contact by e-mail.",
	"Spoke to the practice manager about the marketing list.",
	"Requester asked for large print.",
	"Logged the call; nothing more needed today.",
}

var demoRefusals = []string{
	"Manifestly unfounded: the same records were sent last month",
	"Identity could not be confirmed after two reminders",
	"The record is accurate: a clinical opinion is not changed, and a note of their view was added",
	"Legal duty: records must be kept for the retention period the law sets",
	"Excessive: repeats a request answered in full three weeks ago",
}

var demoPartials = []string{
	"Medical records must be kept by law; marketing data and the online account were deleted",
	"Third-party information withheld; the rest was sent",
	"Notes by another clinician withheld pending their review; the rest was sent",
}

var demoExtensions = []string{
	"Complex: records held on three systems and at an archive",
	"Numerous: several requests received from the same person",
	"Complex: needs review by two clinicians before disclosure",
}

var demoReopens = []string{
	"The patient says part of the record was missing",
	"The marketing list still sent a text after completion",
	"The correction did not reach the lab system",
}

var demoRestrictions = []string{
	"Minor consented to this care alone: do not disclose it to the parent",
	"Agreed confidentiality with the patient: check with the clinician first",
}
