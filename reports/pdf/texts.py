"""Fixed words of the city report (BAB I), in the reference report's wording."""

# BAB I C. Maksud dan Tujuan; only the object of the first sentence is the city's units (the
# reference names "Layanan Penataan Organisasi ... Bagian Organisasi", a unit's own report copied
# into the city's).
TUJUAN = (
    "Tujuan pelaksanaan SKM adalah untuk mengetahui gambaran kepuasan masyarakat yang diperoleh dari hasil "
    "pengukuran atas pendapat masyarakat, terhadap mutu dan kualitas pelayanan publik yang telah diberikan oleh "
    "Unit Penyelenggara Pelayanan di Lingkungan Pemerintah {kota}."
)
SASARAN = (
    "Mendorong partisipasi masyarakat sebagai pengguna layanan dalam menilai kinerja penyelenggara pelayanan;",
    "Mendorong penyelenggara pelayanan publik untuk meningkatkan kualitas pelayanan publik;",
    "Mendorong penyelenggara pelayanan publik untuk menjadi lebih inovatif dalam menyelenggarakan pelayanan publik;",
    "Mengukur kecenderungan tingkat kepuasan masyarakat terhadap pelayanan publik yang diberikan.",
)
MANFAAT = (
    "Diketahui kelemahan atau kekurangan dari masing-masing unsur dalam penyelenggara pelayanan publik;",
    "Diketahui kinerja penyelenggara pelayanan yang telah dilaksanakan oleh unit pelayanan publik secara periodik;",
    "Sebagai bahan penetapan kebijakan yang perlu diambil dan upaya tindak lanjut yang perlu dilakukan atas hasil "
    "Survei Kepuasan Masyarakat;",
    "Diketahui indeks kepuasan masyarakat secara menyeluruh terhadap hasil pelaksanaan pelayanan publik pada lingkup "
    "Pemerintah Pusat dan Daerah;",
    "Memacu persaingan positif, antar unit penyelenggara pelayanan pada lingkup Pemerintah Pusat dan Daerah dalam "
    "upaya peningkatan kinerja pelayanan;",
    "Bagi masyarakat dapat diketahui gambaran tentang kinerja unit pelayanan.",
)
# The age bands of surveys.rules.KELOMPOK_UMUR as the report words them.
KELOMPOK_UMUR_LABELS = {
    "< 20": "Kurang dari 20 tahun",
    "20-29": "20 - 29 tahun",
    "30-39": "30 - 39 tahun",
    "40-49": "40 - 49 tahun",
    ">= 50": "50 tahun ke atas",
}
