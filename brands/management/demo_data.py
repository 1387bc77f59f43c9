"""Deterministic demo content for `manage.py seed_demo`: retailers, products and note plans,
and the catalogue they come from (every variant of the products, the retailers as customers).

Everything is drawn from a `random.Random` seeded per brand, so two runs (on any machine) plan the
same notes; only dates are relative to the day of seeding, so the demo always looks recent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

# (prefecture, city, postal code, town, phone area code) — real combinations.
LOCATIONS = [
    ("東京都", "渋谷区", "150-0001", "神宮前", "03"),
    ("東京都", "目黒区", "153-0051", "上目黒", "03"),
    ("東京都", "世田谷区", "154-0004", "太子堂", "03"),
    ("東京都", "武蔵野市", "180-0004", "吉祥寺本町", "0422"),
    ("神奈川県", "横浜市中区", "231-0023", "山下町", "045"),
    ("神奈川県", "鎌倉市", "248-0006", "小町", "0467"),
    ("大阪府", "大阪市北区", "530-0001", "梅田", "06"),
    ("大阪府", "大阪市中央区", "542-0086", "西心斎橋", "06"),
    ("京都府", "京都市中京区", "604-8042", "新京極", "075"),
    ("愛知県", "名古屋市中区", "460-0008", "栄", "052"),
    ("福岡県", "福岡市中央区", "810-0041", "大名", "092"),
    ("北海道", "札幌市中央区", "060-0061", "南一条西", "011"),
    ("宮城県", "仙台市青葉区", "980-0811", "一番町", "022"),
    ("広島県", "広島市中区", "730-0035", "本通", "082"),
    ("兵庫県", "神戸市中央区", "650-0021", "三宮町", "078"),
    ("石川県", "金沢市", "920-0981", "片町", "076"),
    ("長野県", "松本市", "390-0874", "大手", "0263"),
    ("沖縄県", "那覇市", "900-0013", "牧志", "098"),
    ("静岡県", "静岡市葵区", "420-0852", "紺屋町", "054"),
    ("岡山県", "岡山市北区", "700-0822", "表町", "086"),
    ("埼玉県", "さいたま市大宮区", "330-0854", "桜木町", "048"),
    ("千葉県", "千葉市中央区", "260-0028", "新町", "043"),
]
SHOP_NAMES = [
    "ミドリ雑貨店",
    "こもれび",
    "アトリエ花",
    "北欧暮らし",
    "ヒトツメ",
    "白樺",
    "くらしの道具",
    "月と珈琲",
    "はなれ",
    "灯り舎",
    "ツバメ商会",
    "まるやま",
    "青い鳥",
    "木綿屋",
    "のはら",
    "さざなみ",
    "山と海",
    "ひなた堂",
    "器と布",
    "ことり",
    "ポプラ",
    "いろは",
    "オリーブ",
    "森の窓",
]
# More retailers for the catalogue (customers that have not ordered yet); kept apart from
# SHOP_NAMES so the planned notes stay as they were.
EXTRA_SHOP_NAMES = [
    "すずらん",
    "まめ書房",
    "風の谷",
    "ひつじ舎",
    "朝霧",
    "みなと屋",
    "紙と糸",
    "ゆずりは",
]
COMPANY_FORMS = ["株式会社{}", "{}株式会社", "有限会社{}", "合同会社{}"]
SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
]
GIVEN_NAMES = [
    "美咲",
    "健太",
    "結衣",
    "大輔",
    "陽子",
    "翔",
    "彩",
    "直樹",
    "恵",
    "拓也",
    "真由美",
    "亮",
]
BUILDINGS = ["{}ビル", "{}ハイツ", "{}テラス", "{}スクエア"]
BUILDING_WORDS = ["サンライズ", "グリーン", "セントラル", "メープル", "コーラル", "ソレイユ"]
CUSTOMER_NOTES = [
    "午前中着でお願いします。",
    "店舗裏の搬入口へお届けください。",
    "納品書を同梱してください。",
    "土日は休業のため平日着でお願いします。",
]


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price: int  # wholesale unit price in JPY
    weight: int  # grams
    location: str  # warehouse bin
    colors: tuple[tuple[str, str], ...] = ()  # (SKU code, label)
    sizes: tuple[str, ...] = ()


DEMO_PRODUCTS = [
    Product(
        "TS-OC",
        "オーガニックコットンTシャツ",
        2800,
        180,
        "A-01-02",
        (("WHT", "ホワイト"), ("BLK", "ブラック"), ("GRY", "杢グレー")),
        ("S", "M", "L", "XL"),
    ),
    Product(
        "AP-LN",
        "リネンエプロン",
        2600,
        220,
        "A-02-01",
        (("NAT", "ナチュラル"), ("CHC", "チャコール"), ("NVY", "ネイビー")),
    ),
    Product(
        "SK-WL",
        "ウールソックス",
        900,
        80,
        "A-03-04",
        (("OAT", "オートミール"), ("MOS", "モス")),
        ("22-24cm", "25-27cm"),
    ),
    Product(
        "BG-HT",
        "帆布トートバッグ",
        3600,
        450,
        "B-01-01",
        (("KIN", "生成り"), ("BLK", "ブラック"), ("KHK", "カーキ")),
    ),
    Product(
        "MG-HS",
        "波佐見焼マグカップ",
        1300,
        320,
        "C-01-03",
        (("HAK", "白磁"), ("AI", "藍"), ("KAI", "灰釉")),
    ),
    Product(
        "KC-LN",
        "リネンキッチンクロス",
        650,
        60,
        "A-02-05",
        (("NAT", "ナチュラル"), ("RED", "レッドストライプ")),
    ),
    Product(
        "TN-CS",
        "注染てぬぐい",
        800,
        50,
        "A-04-02",
        (("ASA", "麻の葉"), ("SEI", "青海波"), ("SHI", "七宝")),
    ),
    Product(
        "ST-GZ", "ガーゼストール", 4200, 150, "B-02-03", (("IND", "インディゴ"), ("SUM", "墨"))
    ),
    Product("CB-WD", "山桜のカッティングボード", 2300, 700, "C-02-01", (), ("S", "M")),
    Product(
        "RS-FL",
        "フェルトルームシューズ",
        2000,
        250,
        "B-03-02",
        (("GRY", "グレー"), ("BRN", "ブラウン")),
        ("M", "L"),
    ),
    Product(
        "BK-WL",
        "ウールブランケット",
        8900,
        1100,
        "B-04-01",
        (("CRM", "クリーム"), ("NVY", "ネイビー")),
    ),
]
# Products only in the catalogue (not in the planned notes, which stay as they were).
CATALOGUE_ONLY_PRODUCTS = [
    Product(
        "PC-LN",
        "リネンピローケース",
        3200,
        200,
        "B-05-01",
        (("NAT", "ナチュラル"), ("GRY", "グレー"), ("WHT", "ホワイト")),
    ),
    Product(
        "BW-HS",
        "波佐見焼ボウル",
        1600,
        380,
        "C-01-04",
        (("HAK", "白磁"), ("AI", "藍"), ("KAI", "灰釉")),
        ("S", "M"),
    ),
    Product(
        "CS-WD",
        "木製コースター",
        600,
        30,
        "C-02-03",
        (("CHR", "チェリー"), ("WAL", "ウォルナット")),
    ),
    Product(
        "HW-KT",
        "ニットハンドウォーマー",
        2400,
        90,
        "A-03-06",
        (("OAT", "オートミール"), ("CHC", "チャコール"), ("RED", "レッド")),
    ),
    Product("CD-BW", "蜜蝋キャンドル", 1800, 160, "D-01-01", (), ("S", "M", "L")),
    Product("SP-OL", "オリーブ石けん", 900, 110, "D-01-02"),
    Product("BS-BB", "竹のバスケット", 4800, 520, "B-06-02", (), ("S", "M")),
]
SECOND_PRODUCTS = [
    Product("NB-KP", "活版印刷ノート", 700, 150, "S-01-01", (("A5", "A5"), ("B6", "B6"))),
    Product("PN-BR", "真鍮ボールペン", 2400, 40, "S-01-02"),
    Product("LS-WS", "和紙レターセット", 900, 90, "S-02-01", (("SKR", "桜"), ("MOM", "紅葉"))),
]

CARRIERS = {"yamato": "TA-Q-BIN", "sagawa": "HIKYAKU", "japanpost": "YU-PACK"}
TRACKING_PREFIX = {"yamato": "4", "sagawa": "5", "japanpost": "1"}


@dataclass(frozen=True)
class Retailer:
    company: str
    contact: str
    postal_code: str
    prefecture: str
    city: str
    address_line1: str
    address_line2: str
    phone: str
    email: str


@dataclass(frozen=True)
class LinePlan:
    sku: str
    name: str
    options: dict
    quantity: int
    unit_price: Decimal
    weight_grams: int
    warehouse_location: str


@dataclass(frozen=True)
class ShipmentPlan:
    days_after_issue: int
    carrier: str
    tracking_number: str
    quantities: tuple[int, ...] | None  # per line position; None = everything left


@dataclass
class NotePlan:
    number: str
    issue_date: date
    hour: int
    order_reference: str
    retailer: Retailer
    lines: list[LinePlan]
    target: str  # unshipped, shipping_requested, partially_shipped, shipped, delivered, cancelled
    requested_carrier: str
    customer_notes: str = ""
    shipments: list[ShipmentPlan] = field(default_factory=list)


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


def _phone(rng: random.Random, area: str) -> str:
    """A ten-digit landline number grouped the Japanese way (03-1234-5678, 045-123-4567)."""
    return f"{area}-{_digits(rng, 6 - len(area))}-{_digits(rng, 4)}"


def make_retailers(rng: random.Random, count: int, names: list[str] = SHOP_NAMES) -> list[Retailer]:
    names = rng.sample(names, count)
    retailers = []
    for index, shop in enumerate(names):
        prefecture, city, postal, town, area = rng.choice(LOCATIONS)
        building = ""
        if rng.random() < 0.6:
            building = (
                f"{rng.choice(BUILDINGS).format(rng.choice(BUILDING_WORDS))} {rng.randint(1, 5)}F"
            )
        retailers.append(
            Retailer(
                company=rng.choice(COMPANY_FORMS).format(shop),
                contact=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN_NAMES)}",
                postal_code=postal,
                prefecture=prefecture,
                city=city,
                address_line1=f"{town}{rng.randint(1, 4)}-{rng.randint(1, 20)}-{rng.randint(1, 15)}",
                address_line2=building,
                phone=_phone(rng, area),
                email=f"order{index + 1:02d}@{'shop' if names is SHOP_NAMES else 'new'}"
                f"{index + 1:02d}.example.jp",
            )
        )
    return retailers


def variant(
    product: Product, color: tuple[str, str] | None, size: str | None
) -> tuple[str, dict[str, str]]:
    """The SKU and options of one colour/size of a product (its SKU is the style code)."""
    sku, options = product.sku, {}
    if color:
        sku, options["カラー"] = f"{sku}-{color[0]}", color[1]
    if size:
        sku, options["サイズ"] = f"{sku}-{size.upper()}", size
    return sku, options


def variants(product: Product) -> list[tuple[str, dict[str, str]]]:
    """Every colour × size of a product: one catalogue product (SKU) each."""
    return [
        variant(product, color, size)
        for color in (product.colors or (None,))
        for size in (product.sizes or (None,))
    ]


def _line(rng: random.Random, product: Product) -> LinePlan:
    color = rng.choice(product.colors) if product.colors else None
    size = rng.choice(product.sizes) if product.sizes else None
    sku, options = variant(product, color, size)
    return LinePlan(
        sku=sku,
        name=product.name,
        options=options,
        quantity=rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 20]),
        unit_price=Decimal(product.price),
        weight_grams=product.weight,
        warehouse_location=product.location,
    )


def _target(rng: random.Random, age_days: int) -> str:
    if age_days > 30:
        weights = {
            "delivered": 50,
            "shipped": 33,
            "partially_shipped": 5,
            "cancelled": 6,
            "unshipped": 6,
        }
    elif age_days > 6:
        weights = {
            "shipped": 40,
            "partially_shipped": 15,
            "shipping_requested": 15,
            "delivered": 10,
            "cancelled": 5,
            "unshipped": 15,
        }
    else:
        weights = {
            "unshipped": 50,
            "shipping_requested": 30,
            "partially_shipped": 10,
            "shipped": 10,
        }
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def tracking_number(rng: random.Random, carrier: str) -> str:
    """Twelve digits: carrier prefix, ten random digits, a mod-7 check digit (as carriers do)."""
    body = TRACKING_PREFIX[carrier] + _digits(rng, 10)
    return body + str(int(body) % 7)


def _shipments(rng: random.Random, target: str, lines: list[LinePlan], carrier: str, age: int):
    if target not in ("partially_shipped", "shipped", "delivered"):
        return []
    first_day = min(rng.randint(1, 3), age)
    if target == "partially_shipped":
        split = tuple(
            max(1, line.quantity // 2) if i == 0 else rng.choice([0, line.quantity])
            for i, line in enumerate(lines)
        )
        return [ShipmentPlan(first_day, carrier, tracking_number(rng, carrier), split)]
    if len(lines) > 1 and rng.random() < 0.25 and age > first_day + 2:
        # Shipped in two parcels a few days apart: a partial shipment, then the rest.
        split = tuple(line.quantity if i == 0 else 0 for i, line in enumerate(lines))
        return [
            ShipmentPlan(first_day, carrier, tracking_number(rng, carrier), split),
            ShipmentPlan(first_day + 2, carrier, tracking_number(rng, carrier), None),
        ]
    return [ShipmentPlan(first_day, carrier, tracking_number(rng, carrier), None)]


def plan_notes(
    seed: str, *, count: int, prefix: str, products: list[Product], today: date
) -> list[NotePlan]:
    """`count` notes over the last ~4 months, numbered in issue order."""
    rng = random.Random(seed)
    retailers = make_retailers(rng, min(len(SHOP_NAMES), max(3, count // 8)))
    # More recent notes than old ones, as a growing brand has.
    ages = sorted((int(rng.triangular(0, 120, 0)) for _ in range(count)), reverse=True)
    plans = []
    for index, age in enumerate(ages, start=1):
        lines = [_line(rng, p) for p in rng.sample(products, rng.randint(1, min(4, len(products))))]
        target = _target(rng, age)
        carrier = rng.choice(list(CARRIERS))
        plans.append(
            NotePlan(
                number=f"{prefix}-{index:04d}",
                issue_date=today - timedelta(days=age),
                hour=rng.randint(9, 17),
                order_reference=f"PO-{rng.randint(10000, 99999)}",
                retailer=rng.choice(retailers),
                lines=lines,
                target=target,
                requested_carrier=carrier,
                customer_notes=rng.choice(CUSTOMER_NOTES) if rng.random() < 0.2 else "",
                shipments=_shipments(rng, target, lines, carrier, age),
            )
        )
    return plans


def catalogue_customers(
    seed: str, plans: list[NotePlan], *, total: int
) -> list[tuple[Retailer, str, Retailer | None]]:
    """(retailer, default carrier, second address or None) for the brand's customers: every
    retailer of the planned notes, then new ones up to `total`. Some have a warehouse too."""
    rng = random.Random(f"{seed}-customers")
    retailers = list(dict.fromkeys(plan.retailer for plan in plans))
    missing = min(max(total - len(retailers), 0), len(EXTRA_SHOP_NAMES))
    retailers += make_retailers(rng, missing, EXTRA_SHOP_NAMES)
    customers = []
    for index, retailer in enumerate(retailers):
        warehouse = None
        if index % 6 == 5:
            warehouse = make_retailers(rng, 1)[0]
        customers.append((retailer, rng.choice(list(CARRIERS)), warehouse))
    return customers
