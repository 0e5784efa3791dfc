"""One way to open a browser page in the browser tests: its context, its JavaScript errors, its confirmations."""

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def open_page(browser, live_server, **context):
    """A page in a new context (desktop unless `context` says otherwise) against the live server.

    `page.js_errors` collects uncaught errors and console errors. `page.confirms` collects what each
    confirmation asked; every one is answered yes (UI.md: irreversible actions ask first), so a test can click
    through and then check that the right question was asked.
    """
    options = {**DESKTOP, "locale": "zh-CN", "base_url": live_server.url, **context}
    page = browser.new_context(**options).new_page()
    page.js_errors, page.confirms = [], []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.on("console", lambda message: page.js_errors.append(message.text) if message.type == "error" else None)

    def answer(dialog):
        page.confirms.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return page


def sign_in(page, username: str, password: str = "Test-pass-2026"):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page
