"""The nine unsur of Permenpan RB 14/2017 with the texts of shared/docs/skm-method.md."""

from django.db import migrations

UNSUR = [
    (
        "U1",
        "Persyaratan",
        "Persyaratan",
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    (
        "U2",
        "Sistem, Mekanisme, dan Prosedur",
        "Prosedur",
        "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    (
        "U3",
        "Waktu Penyelesaian",
        "Waktu Pelayanan",
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    (
        "U4",
        "Biaya/Tarif",
        "Biaya/Tarif",
        "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    ),
    (
        "U5",
        "Produk Spesifikasi Jenis Pelayanan",
        "Produk Layanan",
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum "
        "dalam standar pelayanan dengan hasil yang diberikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    (
        "U6",
        "Kompetensi Pelaksana",
        "Kompetensi Pelaksana",
        "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    (
        "U7",
        "Perilaku Pelaksana",
        "Perilaku Pelaksana",
        "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    ),
    (
        "U8",
        "Sarana dan Prasarana",
        "Sarana dan Prasarana",
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
    ),
    (
        "U9",
        "Penanganan Pengaduan, Saran dan Masukan",
        "Penanganan Pengaduan",
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
    ),
]


def load_unsur(apps, schema_editor):
    Unsur = apps.get_model("surveys", "Unsur")
    for urutan, (kode, nama, label, pertanyaan, jawaban) in enumerate(UNSUR, start=1):
        Unsur.objects.update_or_create(
            kode=kode,
            defaults={
                "urutan": urutan,
                "nama": nama,
                "label_singkat": label,
                "pertanyaan": pertanyaan,
                "jawaban_1": jawaban[0],
                "jawaban_2": jawaban[1],
                "jawaban_3": jawaban[2],
                "jawaban_4": jawaban[3],
            },
        )


def unload_unsur(apps, schema_editor):
    apps.get_model("surveys", "Unsur").objects.filter(kode__in=[u[0] for u in UNSUR]).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_initial")]
    operations = [migrations.RunPython(load_unsur, unload_unsur)]
