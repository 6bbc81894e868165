"""What a response may hold, whichever way it comes in (questionnaire, paper entry, import)."""

UMUR_MIN, UMUR_MAX = 10, 100
SARAN_MAX_LENGTH = 2000
JENIS_LAYANAN_MAX_LENGTH = 200
