"""The Vietnamese words a status reply is read by: keyword tables for domain/replies.py.

Entries are lower case and written with diacritics; regex syntax is allowed in the pattern
tables. The parser matches them with or without the reply's diacritics.
"""

from __future__ import annotations

# "đã được gia hạn", "đồng ý gia hạn": granted already, so not a request.
EXTENSION_REQUESTS = (
    r"(?<!đã được )(?<!đồng ý )gia hạn",
    r"lùi (?:thời hạn|hạn|tiến độ|thời gian|sang|đến|tới|lại)",
    r"(?:kéo dài|điều chỉnh) (?:thời hạn|thời gian|hạn|tiến độ)",
    r"(?:dời|đổi|hoãn) (?:thời hạn|hạn)",
    r"xin (?:thêm )?(?:thời gian|hạn)|xin (?:dời|hoãn|lùi)",
    # "xin khất sang tuần sau", "cho đơn vị lùi đến 15/12", "xin nợ lại đến cuối tháng"
    r"(?:xin |cho )?khất(?: lại)?(?: (?:sang|đến|tới|đến ngày|thêm))?",
    r"(?:xin|cho) (?:đơn vị |sở |em )?(?:lùi|dời|hoãn|nợ lại)",
)
# Obstacles someone removed ("tháo gỡ khó khăn", "khắc phục vướng mắc") are not obstacles now.
_OVERCOME = r"(?<!gỡ )(?<!phục )(?<!vượt qua )"
OBSTACLES = (
    rf"{_OVERCOME}(?:(?<!mét )vướng(?: mắc)?|khó khăn|trở ngại|ách tắc|ùn tắc|bất cập)",
    r"(?<!tối )thiếu",
    r"(?:chưa|không|ko|k) (?:có|được) (?:bố trí |cấp |phân bổ |giao )?"
    r"(?:kinh phí|vốn|nguồn|nhân lực|nhân sự|hướng dẫn|văn bản hướng dẫn|cơ chế|mặt bằng)",
    r"chờ (?:văn bản )?hướng dẫn",
    # "đang chờ Bộ TT&TT hướng dẫn", "đợi Trung ương ban hành hướng dẫn"
    r"(?:chờ|đợi)(?: \S+){1,6} hướng dẫn",
    r"(?:chưa|không|ko|k) thể",
    # "chưa triển khai được": cannot; but "chưa xong được 60%" is a percent, not an inability.
    r"(?:chưa|không|ko|k)(?: [^\W_]+){1,3} được(?! ?\d)",
    r"bị (?:chậm|dừng|treo|ách tắc|trả lại)|tạm dừng|lỗi|hỏng|sự cố",
)
# Written with diacritics only: bare "tac"/"ket" are "tác" (công tác), "kết" (kết quả).
# ("bí" is left out: "Bí thư"; "nguyên tắc" is a principle.)
OBSTACLES_ACCENTED = (
    r"(?<!ùn )(?<!ách )(?<!bế )(?<!nguyên )tắc(?! trách)(?: nghẽn)?", r"bế tắc", r"(?:mắc )?kẹt",
)
# "đang bận họp", "đang đi công tác": the person is away, not working on the item.
PROGRESS = (
    r"đang (?!ký|tải|nhập|tin|bận|họp|nghỉ|ốm|đi (?:công tác|họp|học|vắng)|công tác|hội nghị)"
    r"[^\W\d_]+",
    r"tiếp tục|(?:đã|đang) trình",
    r"trình (?:ubnd|ub|hđnd|tỉnh|lãnh đạo|bcđ|ban chỉ đạo|thường trực)",
    r"(?:chờ|đợi) (?:phê duyệt|duyệt|ý kiến|ký|kết quả|thẩm định|thông qua|ban hành|xem xét)",
    r"chưa (?:được )?(?:phê duyệt|duyệt|ký|ban hành|thông qua|nghiệm thu)",
    r"chưa (?:có|ký|ban hành) (?:qđ|quyết định|nghị quyết|văn bản)",
    r"(?:xin|lấy|góp|tổng hợp) ý kiến",
    r"dự thảo|hoàn thiện|dự kiến|(?:gần|sắp|cơ bản) (?:xong|hoàn thành)",
    r"(?:đã|mới|bắt đầu) (?:triển khai|thực hiện)(?! xong)",
)
NOT_STARTED = (
    r"chưa (?:được )?(?:triển khai|thực hiện|bắt đầu|làm|tiến hành|khởi động|khởi công)"
    r"(?! (?:xong|được|hết|hoàn thành))",
    r"chưa (?:có )?(?:triển khai|bắt tay) gì",
)
# The item is not this agency's to do: the secretariat must look at the assignment.
DISPUTED = (
    r"không (?:thuộc|phải) (?:là )?(?:chức năng|nhiệm vụ|thẩm quyền|phạm vi|lĩnh vực)",
    r"không phải (?:là )?(?:đơn vị|cơ quan|sở) (?:chủ trì|được giao|thực hiện|chịu trách nhiệm)",
    r"(?:chỉ|chỉ là) (?:là )?(?:đơn vị |cơ quan )?phối hợp",
    r"(?:đề nghị|xin|đề xuất) (?:giao|chuyển) (?:lại )?(?:nhiệm vụ (?:này )?)?(?:cho|về|sang)",
    r"giao (?:nhầm|không đúng)|không đúng (?:chức năng|thẩm quyền)",
    r"không (?:chủ trì|phụ trách)",
    r"không (?:được giao|làm) (?:nhiệm vụ|việc|nội dung) (?:này|đó|trên)",
)
# Someone away: masked before reading, so "đang bận" is not progress.
AWAY = (
    r"đang (?:bận|họp|nghỉ|ốm|đi (?:công tác|họp|học|vắng)|công tác|hội nghị)(?: [^\W\d_]+){0,2}",
    r"(?:(?:sẽ|em|anh|chị|lát|lát nữa|chiều|tối|sáng|mai|sau) )+"
    r"(?:nhắn|báo|gọi|trả lời|phản hồi|gửi)(?: lại)?(?: sau)?(?! (?:cáo|đã|là|rằng))",
    r"để (?:em |anh |chị |tôi )?(?:kiểm tra|xem|hỏi)(?: lại)?",
    r"(?:em|anh|chị|tôi) (?:hỏi|kiểm tra|xem) lại",
)
COMPLETIONS = (
    r"hoàn thành|hoàn tất|xong",
    r"(?:đã|được) (?:được )?"
    r"(?:(?:ubnd|ub|hđnd|tỉnh|bộ|sở|lãnh đạo|chủ tịch|thường trực|ký|tham mưu) )*"
    r"(?:ban hành|phê duyệt|nghiệm thu|thông qua|đưa vào (?:sử dụng|vận hành|hoạt động))",
    # "HT" (hoàn thành) alone or after "đã"; "HT đang lỗi" (hệ thống) is not a completion.
    r"(?:(?<=đã )|(?<![^\W_] ))ht(?! (?!rồi)[^\W\d_])",
    r"(?:đạt|vượt) (?:chỉ tiêu|kế hoạch|mục tiêu|yêu cầu)",
    r"(?:đạt|vượt)(?: rồi)?(?= *(?:$|[.,;!]))",
)
# An official document as proof: "UBND tỉnh đã ký QĐ rồi", "đã có Quyết định phê duyệt".
_ISSUERS = r"(?: (?:ubnd|ub|hđnd|tỉnh|bộ|sở|lãnh đạo|chủ tịch|thường trực|chính thức))*"
_DECISIONS = r"(?:qđ|quyết định|nghị quyết|nq|quy chế|quy định|chỉ thị)"
_DOCUMENTS = rf"(?:{_DECISIONS}|kế hoạch|kh|văn bản|công văn|đề án|thông báo|tb)"
DOCUMENT_PROOF = (
    rf"(?:đã|được){_ISSUERS} có {_DECISIONS}",
    rf"(?:đã|được){_ISSUERS} (?:ký|ký ban hành|ban hành|phê duyệt)(?: (?:xong|rồi))? {_DOCUMENTS}",
)
# "chưa hẳn đã xong", "chắc gì đã xong": a hedge before a completion, past the "đã".
HEDGES = ("chưa hẳn", "chưa chắc", "không hẳn", "không chắc", "chắc gì", "đâu có", "làm gì",
          "có gì", "không phải", "làm sao", "sao mà", "còn lâu", "đâu")
# "xong phần A", "vừa xong khâu chuẩn bị", "hoàn thành bước 1": a part is done, not the item.
PARTS_AFTER = ("phần", "khâu", "bước", "giai đoạn", "hạng mục", "dự thảo", "một", "cơ bản",
               "đợt", "mục", "bản thảo", "sơ bộ", "nửa", "phân nửa", "khảo sát", "thiết kế",
               "dự toán", "trên giấy")
# "đạt 52% dân số", "52% người dân": a measured value, not the item's progress.
MEASURED_NOUNS = (
    "dân số", "người dân", "người", "dân", "hộ", "hộ gia đình", "doanh nghiệp", "học sinh",
    "cán bộ", "công chức", "thuê bao", "tài khoản", "bệnh viện", "trường", "cơ sở", "diện tích",
    "dịch vụ công", "thủ tục hành chính", "tthc", "hồ sơ", "số dân",
)
# "Tỷ lệ hồ sơ trực tuyến đạt 92%": a rate measured, not the item's progress.
RATE_WORDS = ("tỷ lệ", "tỉ lệ")
# "vượt chỉ tiêu 50%", "so với mục tiêu 80%": the percent is the target, not a result.
TARGET_WORDS = ("chỉ tiêu", "mục tiêu", "so với", "yêu cầu", "kế hoạch đề ra")
NEGATORS = ("không", "ko", "k", "kg", "khg", "hok", "chưa", "chẳng", "chả")
NOT_YET = "chưa"
INABILITY = ("thể",)
PROSPECTIVE = (
    "dự kiến", "sẽ", "sắp", "gần", "cơ bản", "phấn đấu", "mục tiêu", "kịp", "để",
    "trước khi", "sau khi", "chuẩn bị", "chờ", "đợi", "khi", "nếu", "bao giờ", "lúc nào", "hễ",
)
# "hình như xong rồi", "Hoàn thành hay chưa em cũng chưa rõ": the person is not sure, so ask.
UNSURE = (
    "hình như", "nghĩ là", "chắc là", "chắc cũng", "có lẽ", "không biết", "chưa rõ", "không rõ",
    "hay chưa", "hay không", "nghe nói", "có thể đã", "không nhớ", "chưa chắc chắn",
)
# Words that alone make no clause: "Dạ chưa ạ" is a bare "chưa".
COURTESY = ("dạ", "vâng", "thưa", "em", "anh", "chị", "ạ", "báo cáo", "ok")
# "thời hạn hoàn thành", "tỷ lệ hoàn thành": the word names the deadline or ratio, not a fact.
NEUTRAL_BEFORE_COMPLETION = (
    "thời hạn", "thời gian", "hạn", "tiến độ", "kế hoạch", "tỷ lệ", "tỉ lệ", "mức độ", "yêu cầu",
)
# Aspect words begin a new verb phrase: a negator before them does not reach past them.
ASPECT_STOPS = ("đã", "đang", "vừa")
CONNECTIVES = ("nhưng", "tuy nhiên", "song", "nên", "vì", "do", "mà")
# Words that make a nearby date a promise or a request. Strong ones also let a year-less date
# that is clearly past mean next year; weak ones ("đến ngày 20/11 đạt 80%") only count for a date
# still ahead.
EXTENSION_WORDS = (
    "gia hạn", "lùi", "kéo dài", "điều chỉnh", "dời", "hoãn", "thời gian", "khất", "nợ lại",
)
STRONG_DUE_MARKERS = (
    *EXTENSION_WORDS, "dự kiến", "sẽ", "phấn đấu", "kịp", "chậm nhất", "muộn nhất", "hạn mới",
    "tối đa", "sắp",
)
STRONG_DUE_AFTER = ("sẽ", "mới", "thì")
WEAK_DUE_MARKERS = ("đến", "tới", "trước", "trong", "vào", "hết", "hoàn thành", "xong", "sang")
# "2/3 khối lượng", "35/82 nhiệm vụ": a share of the work, so not finished.
PARTIAL_NOUNS = (
    "khối lượng", "nhiệm vụ", "phần", "hạng mục", "công việc", "nội dung", "chỉ tiêu", "gói thầu",
    "đơn vị", "xã", "hồ sơ", "thủ tục", "công trình",
)
NEXT_YEAR = ("năm sau", "năm tới")
DOCUMENT_TYPES = (
    "quyết định", "qđ", "báo cáo", "bc", "kế hoạch", "kh", "công văn", "cv", "tờ trình", "ttr",
    "thông báo", "tb", "nghị quyết", "nq", "chỉ thị", "kết luận", "kl", "văn bản", "vb",
    "chương trình", "ctr", "hướng dẫn", "hd", "đề án", "thông tư", "tt", "nghị định", "nđ",
    "giấy mời", "biên bản", "quy chế", "quy định",
)
