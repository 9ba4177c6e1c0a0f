"""Article sentences for detector tests: prose that no detector may flag, around which the
tests place the furniture under test."""

PROSE = [
    "The harbour bridge will close for six weeks from June so that engineers can replace its "
    "cables, the city said on Tuesday.",
    "Ferries will run every ten minutes during the closure, and parking near the piers will "
    "be free for residents.",
    "Shops on the waterfront said they expected fewer visitors but welcomed the free parking "
    "for the summer months.",
]
MORE_PROSE = [
    "Engineers said the cables had corroded faster than expected because of salt spray from "
    "the estuary in winter.",
    "The city will publish a detailed timetable for the ferries and buses at the end of the "
    "month, officials added.",
    "Local councillors asked for the works to be finished before the autumn festival draws "
    "crowds to the harbour.",
]
