"""The contract's vocabulary: allowed values of enum columns and the standard survey questions.

Generic to any force: ids and answer labels are fixed by the contract so that
outside tools and other forces can rely on them.
"""

from __future__ import annotations

# --- enums shared by several tables -------------------------------------------------

AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
SEXES = ("Female", "Male", "In another way", "Prefer not to say")
ETHNIC_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", "Prefer not to say")
ACTIVITY_TYPES = (
    "Local Community Meeting",
    "Coffee with a Cop",
    "Street pop-up",
    "Stroll with a Patrol",
    "School visit",
    "Independent Advisory Group",
    "Community action day",
    "Online meeting",
)
STRANDS = ("Listen", "Act", "Tell")
AUDIENCE_GROUPS = (
    "General public",
    "Older people",
    "Young people",
    "Faith group",
    "Deaf community",
    "Rural",
    "Business",
    "Ethnic minority communities",
    "LGBT+",
    "Disabled people",
)
# Groups forces usually count as "hard to reach" when judging coverage.
HARD_TO_REACH_GROUPS = (
    "Young people",
    "Faith group",
    "Deaf community",
    "Rural",
    "Ethnic minority communities",
    "LGBT+",
    "Disabled people",
)
EVENT_STATUSES = ("planned", "held", "cancelled")
CONCERN_THEMES = (
    "Anti-social behaviour",
    "Speeding",
    "Drugs",
    "Burglary",
    "Youth nuisance",
    "Parking",
    "Vehicle crime",
    "Fly-tipping",
    "Violence",
    "Other",
)
TELL_CHANNELS = ("Newsletter", "Social post", "Meeting", "Notice board", "Website")
PLATFORMS = ("Facebook", "X", "Instagram", "Nextdoor")
SOCIAL_SOURCES = ("platform", "posts")
# The monthly social figures; each keeps its own source (``<figure>_source``).
SOCIAL_FIGURES = ("followers", "reach", "impressions", "engagements", "posts")
POST_TAGS = ("You said, we did", "Appeal", "Crime prevention", "Event", "Recruitment", "Other")
BENCHMARK_GROUPS = ("msg", "national")
MEETING_THEMES = (
    "Diversity and inclusion",
    "Hard to reach groups",
    "Feedback",
    "Evaluation",
    "Other",
)
ACTION_STATUSES = ("open", "in progress", "complete", "dropped")
ANNOTATION_KINDS = ("event", "method change")
# What a District Engagement Plan line commits to: an activity type (events of that type) or a Tell channel
# (telling the public what was done). Both lists are the contract's, so a force with other activities or
# channels changes them here and the plan, its template and its delivery follow.
PLAN_ITEMS = ACTIVITY_TYPES + TELL_CHANNELS
# The post tag that counts as telling back on social media ("You said, we did").
YOU_SAID_WE_DID = "You said, we did"

# Figures shown on more than one page: one name each, with its period in the name, and one definition.
REACH_PER_1K = "People reached a month per 1,000 residents (monthly average)"


# --- the standard survey questions (ids and answer labels are part of the contract) --

STANDARD_QUESTIONS: tuple[dict, ...] = (
    {
        "question_id": "police_job",
        "short_label": "Police doing a good or excellent job",
        "wording": "Taking everything into account, how good a job do you think the police in this area are doing?",
        "answers": ["Excellent", "Good", "Fair", "Poor", "Very poor", "Don't know"],
        "positive_answers": ["Excellent", "Good"],
    },
    {
        "question_id": "understand_issues",
        "short_label": "Police understand local issues",
        "wording": "To what extent do you agree: the police in this area understand the issues that "
        "affect this community",
        "answers": [
            "Strongly agree",
            "Tend to agree",
            "Neither agree nor disagree",
            "Tend to disagree",
            "Strongly disagree",
            "Don't know",
        ],
        "positive_answers": ["Strongly agree", "Tend to agree"],
    },
    {
        "question_id": "feel_informed",
        "short_label": "Feel well informed",
        "wording": "How well informed do you feel about what the police in your area are doing?",
        "answers": [
            "Very well informed",
            "Fairly well informed",
            "Not very well informed",
            "Not at all informed",
            "Don't know",
        ],
        "positive_answers": ["Very well informed", "Fairly well informed"],
    },
    {
        "question_id": "have_your_say",
        "short_label": "Aware of chances to have a say",
        "wording": "Are you aware of opportunities to have your say about policing issues in your local area?",
        "answers": ["Yes", "No", "Don't know"],
        "positive_answers": ["Yes"],
    },
    {
        "question_id": "seen_officer",
        "short_label": "Seen an officer on foot",
        "wording": "Have you seen a police officer or PCSO on foot in your area in the last month?",
        "answers": ["Yes", "No", "Don't know"],
        "positive_answers": ["Yes"],
    },
)

# "You said, we did" (loop closure): a concern counts as closed when it was acted on and told back within
# this many days of being raised. A fixed window keeps quarters comparable.
CLOSURE_DAYS = 60
