package model

// Regulator is the public body a patient may complain to about how their
// request was handled, for the rule set it was logged under.
type Regulator struct {
	Name  string // the body's name
	Short string // its usual short name
	Web   string // where to complain online
	Phone string // its helpline; "" when it publishes none for complaints
	// How is one plain sentence on when and how to complain, with the
	// legal source.
	How string
}

// regulators are the supervisory bodies for each rule set.
var regulators = map[Rule]Regulator{
	RuleUKGDPR: {
		Name:  "Information Commissioner's Office",
		Short: "ICO",
		Web:   "https://ico.org.uk/make-a-complaint/",
		Phone: "0303 123 1113",
		How:   "You have the right to complain to the Information Commissioner's Office, the UK's data protection regulator (UK GDPR Art. 77). The ICO usually asks you to raise your concern with us first.",
	},
	RuleEUGDPR: {
		Name:  "your national data protection authority",
		Short: "DPA",
		Web:   "https://www.edpb.europa.eu/about-edpb/about-edpb/members_en",
		How:   "You have the right to complain to a data protection supervisory authority, in particular in the EU country where you live, work or where the problem happened (GDPR Art. 77). The European Data Protection Board lists every national authority.",
	},
	RuleHIPAA: {
		Name:  "U.S. Department of Health and Human Services, Office for Civil Rights",
		Short: "HHS OCR",
		Web:   "https://www.hhs.gov/ocr/complaints/",
		Phone: "1-800-368-1019",
		How:   "You may complain to the Secretary of Health and Human Services through the Office for Civil Rights, normally within 180 days of when you knew of the problem (45 CFR 160.306). We will not retaliate against you for complaining (45 CFR 164.530(g)).",
	},
	RuleCCPA: {
		Name:  "California Privacy Protection Agency",
		Short: "CPPA",
		Web:   "https://cppa.ca.gov/webapplications/complaint",
		How:   "You may file a complaint with the California Privacy Protection Agency (Cal. Civ. Code §1798.199.45). We will not discriminate against you for exercising your privacy rights (Cal. Civ. Code §1798.125).",
	},
}

// RegulatorFor is the body a patient complains to under rule. An unknown
// rule gets a neutral answer rather than a wrong regulator.
func RegulatorFor(rule Rule) Regulator {
	if r, ok := regulators[rule]; ok {
		return r
	}
	return Regulator{
		Name: "the data protection regulator where you live",
		How:  "You have the right to complain to the data protection regulator where you live.",
	}
}
