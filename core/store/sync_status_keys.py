"""The meta keys under which a sync leaves its outcome in the store, for status lines.

Here, not in :mod:`deskmate.core.sync`, so a reader (the sidebar's status line) does not
import the sync client and its network stack to learn two key names.
"""

#: When the last sync finished (ISO 8601, local time, seconds).
LAST_SYNC_KEY = "last_sync"
#: The last sync's problem in plain words ("" when it finished).
LAST_PROBLEM_KEY = "sync.last_problem"
#: The code of the last sync's error ("" when it finished): UIs decide online/offline by it.
LAST_ERROR_CODE_KEY = "sync.last_error_code"
#: The model id of the item vectors the server's feed carries ("" or absent: none seen).
#: When it is this client's model, the server encodes with it and ships every vector, so
#: the client does not encode synced items itself (issue #16: "server-side first").
SERVER_VECTOR_MODEL_KEY = "sync.vector_model"
