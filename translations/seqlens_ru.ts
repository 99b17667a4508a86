<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>ImageExport</name>
    <message>
        <location filename="../widgets/export.cpp" line="31" />
        <location filename="../widgets/export.cpp" line="39" />
        <source>Cannot write %1: %2</source>
        <translation>Не удаётся записать %1: %2</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="35" />
        <source>Cannot write %1: rendering failed</source>
        <translation>Не удаётся записать %1: отрисовка не удалась</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="87" />
        <source>Unknown image format '%1' (use png, svg or pdf)</source>
        <translation>Неизвестный формат изображения «%1» (используйте png, svg или pdf)</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="93" />
        <source>No image format given (use png, svg or pdf)</source>
        <translation>Формат изображения не указан (используйте png, svg или pdf)</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="104" />
        <source>Cannot write %1: size %2×%3 at %4 DPI is out of range</source>
        <translation>Не удаётся записать %1: размер %2×%3 при %4 DPI вне допустимого диапазона</translation>
    </message>
    <message>
        <location filename="../widgets/export.cpp" line="145" />
        <source>Cannot create folder %1</source>
        <translation>Не удаётся создать папку %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/gui/main.cpp" line="53" />
        <source>See how Transformers, Mamba and hybrid models work, and what they cost.</source>
        <translation>Смотрите, как работают трансформеры, Mamba и гибридные модели и чего они стоят.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="57" />
        <source>Preset or model directory.</source>
        <translation>Встроенная модель или каталог модели.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="58" />
        <source>Input text.</source>
        <translation>Входной текст.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="59" />
        <source>Language: en or ru.</source>
        <translation>Язык: en или ru.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="62" />
        <source>Colours: system, light or dark.</source>
        <translation>Цвета: system (системные), light (светлые) или dark (тёмные).</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="64" />
        <source>Save the main window to FILE and exit.</source>
        <translation>Сохранить главное окно в ФАЙЛ и выйти.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="67" />
        <source>Tab to show first (0-based index).</source>
        <translation>Вкладка, открываемая первой (номер с 0).</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="70" />
        <source>Render every view into DIR without a window and exit.</source>
        <translation>Отрисовать все представления в папку DIR без окна и выйти.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="73" />
        <source>Image formats for --export-all.</source>
        <translation>Форматы изображений для --export-all.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="75" />
        <source>Chart size WxH.</source>
        <translation>Размер графика ШxВ.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="77" />
        <source>PNG resolution.</source>
        <translation>Разрешение PNG.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="80" />
        <source>Longest input of the scaling chart for --export-all.</source>
        <translation>Наибольшая длина входа для графика масштабирования в --export-all.</translation>
    </message>
    <message>
        <location filename="../app/gui/main.cpp" line="84" />
        <source>Benchmark: N edits at 512 tokens, edit to repaint, then exit.</source>
        <translation>Замер: N правок при 512 токенах, от правки до перерисовки, затем выход.</translation>
    </message>
</context>
<context>
    <name>seqlens::app::CompareView</name>
    <message>
        <location filename="../app/gui/compare_view.cpp" line="44" />
        <source>Transformer (llama-tiny): attention</source>
        <translation>Трансформер (llama-tiny): внимание</translation>
    </message>
    <message>
        <location filename="../app/gui/compare_view.cpp" line="41" />
        <source>Mamba (mamba1-tiny): SSM state</source>
        <translation>Mamba (mamba1-tiny): состояние SSM</translation>
    </message>
    <message>
        <location filename="../app/gui/compare_view.cpp" line="42" />
        <source>Hybrid (jamba-tiny): expert routing</source>
        <translation>Гибрид (jamba-tiny): маршрутизация экспертов</translation>
    </message>
    <message>
        <location filename="../app/gui/compare_view.cpp" line="53" />
        <source>Hover a token in any panel: every panel shows the same token.</source>
        <translation>Наведите на токен в любой панели — все панели покажут тот же токен.</translation>
    </message>
</context>
<context>
    <name>seqlens::app::ExportDialog</name>
    <message>
        <location filename="../app/gui/export_dialog.cpp" line="18" />
        <location filename="../app/gui/export_dialog.cpp" line="56" />
        <source>Export chart</source>
        <translation>Экспорт графика</translation>
    </message>
    <message>
        <location filename="../app/gui/export_dialog.cpp" line="27" />
        <source>Format</source>
        <translation>Формат</translation>
    </message>
    <message>
        <location filename="../app/gui/export_dialog.cpp" line="31" />
        <source>Browse…</source>
        <translation>Обзор…</translation>
    </message>
    <message>
        <location filename="../app/gui/export_dialog.cpp" line="34" />
        <source>File</source>
        <translation>Файл</translation>
    </message>
    <message>
        <location filename="../app/gui/export_dialog.cpp" line="45" />
        <source>Width (px at 96 DPI)</source>
        <translation>Ширина (пикс. при 96 DPI)</translation>
    </message>
    <message>
        <location filename="../app/gui/export_dialog.cpp" line="46" />
        <source>Height (px at 96 DPI)</source>
        <translation>Высота (пикс. при 96 DPI)</translation>
    </message>
    <message>
        <location filename="../app/gui/export_dialog.cpp" line="47" />
        <source>Resolution (DPI, PNG)</source>
        <translation>Разрешение (DPI, PNG)</translation>
    </message>
    <message>
        <location filename="../app/gui/export_dialog.cpp" line="57" />
        <source>%1 files (*.%2)</source>
        <translation>Файлы %1 (*.%2)</translation>
    </message>
</context>
<context>
    <name>seqlens::app::InputPanel</name>
    <message>
        <location filename="../app/gui/input_panel.cpp" line="18" />
        <source>English prose</source>
        <translation>Английская проза</translation>
    </message>
    <message>
        <location filename="../app/gui/input_panel.cpp" line="20" />
        <source>Russian prose</source>
        <translation>Русская проза</translation>
    </message>
    <message>
        <location filename="../app/gui/input_panel.cpp" line="22" />
        <source>DNA sequence</source>
        <translation>Последовательность ДНК</translation>
    </message>
    <message>
        <location filename="../app/gui/input_panel.cpp" line="24" />
        <source>Code snippet</source>
        <translation>Фрагмент кода</translation>
    </message>
    <message>
        <location filename="../app/gui/input_panel.cpp" line="26" />
        <source>Time series (quantised to letters)</source>
        <translation>Временной ряд (квантованный в буквы)</translation>
    </message>
    <message>
        <location filename="../app/gui/input_panel.cpp" line="36" />
        <source>Examples…</source>
        <translation>Примеры…</translation>
    </message>
    <message>
        <location filename="../app/gui/input_panel.cpp" line="41" />
        <source>Type or paste text; every edit recomputes</source>
        <translation>Введите или вставьте текст; каждая правка пересчитывается</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/input_panel.cpp" line="66" />
        <source>%n token(s)</source>
        <translation><numerusform>%n токен</numerusform><numerusform>%n токена</numerusform><numerusform>%n токенов</numerusform></translation>
    </message>
</context>
<context>
    <name>seqlens::app::MainWindow</name>
    <message>
        <location filename="../app/gui/main_window.cpp" line="64" />
        <source>SeqLens</source>
        <translation>SeqLens</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="69" />
        <source>Model</source>
        <translation>Модель</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="56" />
        <source>%1 GiB</source>
        <translation>%1 ГиБ</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="57" />
        <source>%1 MiB</source>
        <translation>%1 МиБ</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="58" />
        <source>%1 KiB</source>
        <translation>%1 КиБ</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="80" />
        <source>Input</source>
        <translation>Вход</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="87" />
        <source>Layers</source>
        <translation>Слои</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="105" />
        <source>Attention</source>
        <translation>Внимание</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="107" />
        <source>SSM state</source>
        <translation>Состояние SSM</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="109" />
        <source>Routing</source>
        <translation>Маршрутизация</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="111" />
        <source>Scaling</source>
        <translation>Масштабирование</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="113" />
        <source>Projection</source>
        <translation>Прогноз</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="115" />
        <source>Compare</source>
        <translation>Сравнение</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="130" />
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="225" />
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="226" />
        <source>&amp;Open Model…</source>
        <translation>&amp;Открыть модель…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="229" />
        <source>&amp;Export View…</source>
        <translation>&amp;Экспорт представления…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="230" />
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="231" />
        <source>Export &amp;All Views…</source>
        <translation>Экспорт &amp;всех представлений…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="232" />
        <source>Ctrl+Shift+E</source>
        <translation>Ctrl+Shift+E</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="233" />
        <source>Export &amp;Trace (.npz + .json)…</source>
        <translation>Экспорт &amp;трассы (.npz + .json)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="234" />
        <source>Export &amp;Scaling Results (CSV/JSON)…</source>
        <translation>Экспорт результатов &amp;масштабирования (CSV/JSON)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="235" />
        <source>Export Timing &amp;Profile (Perfetto JSON)…</source>
        <translation>Экспорт &amp;профиля времени (Perfetto JSON)…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="237" />
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="240" />
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="241" />
        <source>&amp;Language</source>
        <translation>&amp;Язык</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="253" />
        <source>&amp;Theme</source>
        <translation>&amp;Тема</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="257" />
        <source>System</source>
        <translation>Системная</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="258" />
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="259" />
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="266" />
        <source>&amp;Presenter Mode</source>
        <translation>Режим &amp;презентации</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="274" />
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="275" />
        <source>&amp;About SeqLens</source>
        <translation>&amp;О программе SeqLens</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="277" />
        <source>About SeqLens</source>
        <translation>О программе SeqLens</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="278" />
        <source>&lt;b&gt;SeqLens&lt;/b&gt;&lt;p&gt;See how Transformers, Mamba and hybrid models work and what they cost: attention maps, the SSM state, expert routing and scaling, live.&lt;/p&gt;</source>
        <translation>&lt;b&gt;SeqLens&lt;/b&gt;&lt;p&gt;Как работают трансформеры, Mamba и гибридные модели и чего они стоят: карты внимания, состояние SSM, маршрутизация экспертов и масштабирование — вживую.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="306" />
        <source>Export “%1”…</source>
        <translation>Экспорт «%1»…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="307" />
        <source>Export All Views…</source>
        <translation>Экспорт всех представлений…</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="382" />
        <source>SeqLens — %1</source>
        <translation>SeqLens — %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="400" />
        <source>%n token(s) · forward %1 ms · peak %2 · cache and state %3</source>
        <translation><numerusform>%n токен · прямой проход %1 мс · пик %2 · кэш и состояние %3</numerusform><numerusform>%n токена · прямой проход %1 мс · пик %2 · кэш и состояние %3</numerusform><numerusform>%n токенов · прямой проход %1 мс · пик %2 · кэш и состояние %3</numerusform></translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="409" />
        <source> · layers 0–%1 of %2, the last without its MLP / MoE (all this tab shows)</source>
        <translation> · слои 0–%1 из %2, последний — без MLP / MoE (всё, что показывает эта вкладка)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="411" />
        <source> · layers 0–%1 of %2, the last without its experts (all this tab shows)</source>
        <translation> · слои 0–%1 из %2, последний — без экспертов (всё, что показывает эта вкладка)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="413" />
        <source> · layers 0–%1 of %2 (all this tab shows)</source>
        <translation> · слои 0–%1 из %2 (всё, что показывает эта вкладка)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="471" />
        <source>Scaling stopped: %1</source>
        <translation>Масштабирование остановлено: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="481" />
        <location filename="../app/gui/main_window.cpp" line="499" />
        <location filename="../app/gui/main_window.cpp" line="531" />
        <location filename="../app/gui/main_window.cpp" line="550" />
        <location filename="../app/gui/main_window.cpp" line="580" />
        <source>Export failed</source>
        <translation>Экспорт не удался</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="483" />
        <location filename="../app/gui/main_window.cpp" line="548" />
        <location filename="../app/gui/main_window.cpp" line="579" />
        <source>Wrote %1</source>
        <translation>Записан %1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="489" />
        <source>Export all views to folder</source>
        <translation>Экспорт всех представлений в папку</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/gui/main_window.cpp" line="500" />
        <source>Wrote %n file(s) to %1</source>
        <translation><numerusform>Записан %n файл в %1</numerusform><numerusform>Записано %n файла в %1</numerusform><numerusform>Записано %n файлов в %1</numerusform></translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="507" />
        <source>Export trace</source>
        <translation>Экспорт трассы</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="507" />
        <source>NumPy archive (*.npz)</source>
        <translation>Архив NumPy (*.npz)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="530" />
        <source>Wrote %1 and its .json sidecar</source>
        <translation>Записаны %1 и его описание .json</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="536" />
        <location filename="../app/gui/main_window.cpp" line="541" />
        <source>Export scaling results</source>
        <translation>Экспорт результатов масштабирования</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="537" />
        <source>Measure first: Scaling tab ▸ Measure.</source>
        <translation>Сначала выполните измерение: вкладка «Масштабирование» ▸ «Измерить».</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="543" />
        <source>CSV (*.csv);;JSON (*.json)</source>
        <translation>CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="558" />
        <source>Export timing profile</source>
        <translation>Экспорт профиля времени</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="559" />
        <source>Trace events for Perfetto / chrome://tracing (*.json)</source>
        <translation>События трассировки для Perfetto / chrome://tracing (*.json)</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="175" />
        <source>Error: %1</source>
        <translation>Ошибка: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/main_window.cpp" line="371" />
        <source>Open Hugging Face model directory</source>
        <translation>Открыть каталог модели Hugging Face</translation>
    </message>
</context>
<context>
    <name>seqlens::app::ModelPanel</name>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="40" />
        <source>%1 layers, d_model %2</source>
        <translation>слоёв: %1, d_model %2</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="43" />
        <source>GPT-2 style Transformer: %1, %2 heads, learned positions</source>
        <translation>Трансформер в стиле GPT-2: %1, голов: %2, обучаемые позиции</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="47" />
        <source>Llama style Transformer: %1, %2 heads / %3 KV heads, RoPE</source>
        <translation>Трансформер в стиле Llama: %1, голов: %2, голов KV: %3, RoPE</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="52" />
        <source>Mamba-1: %1, d_inner %2, d_state %3</source>
        <translation>Mamba-1: %1, d_inner %2, d_state %3</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="54" />
        <source>Mamba-2 (SSD): %1, %2 heads × %3, d_state %4</source>
        <translation>Mamba-2 (SSD): %1, головы: %2 × %3, d_state %4</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="60" />
        <source>Jamba hybrid: %1, attention in layers %2, MoE (%3 experts, top-%4) in layers %5</source>
        <translation>Гибрид Jamba: %1, внимание в слоях %2, MoE (экспертов: %3, top-%4) в слоях %5</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="74" />
        <source>(custom)</source>
        <translation>(своя)</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="80" />
        <source>Preset</source>
        <translation>Пресет</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="82" />
        <source>Transformer (GPT-2)</source>
        <translation>Трансформер (GPT-2)</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="83" />
        <source>Transformer (Llama)</source>
        <translation>Трансформер (Llama)</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="84" />
        <source>Mamba-1</source>
        <translation>Mamba-1</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="85" />
        <source>Mamba-2 (SSD)</source>
        <translation>Mamba-2 (SSD)</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="86" />
        <source>Jamba hybrid</source>
        <translation>Гибрид Jamba</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="87" />
        <source>Family</source>
        <translation>Семейство</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="99" />
        <source>Layers</source>
        <translation>Слои</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="100" />
        <source>d_model</source>
        <translation>d_model</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="101" />
        <source>Heads</source>
        <translation>Головы</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="102" />
        <source>KV heads</source>
        <translation>Головы KV</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="103" />
        <source>d_state</source>
        <translation>d_state</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="104" />
        <source>Expand</source>
        <translation>Расширение</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="105" />
        <source>Experts</source>
        <translation>Эксперты</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="106" />
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="107" />
        <source>1 attention layer in</source>
        <translation>1 слой внимания на</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="108" />
        <source>1 MoE layer in</source>
        <translation>1 слой MoE на</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="109" />
        <source>Seed</source>
        <translation>Зерно</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="111" />
        <source>Re-seed</source>
        <translation>Новое зерно</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="112" />
        <source>Initialise the same architecture from a new random seed</source>
        <translation>Инициализировать ту же архитектуру из нового случайного зерна</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="113" />
        <source>Open model directory…</source>
        <translation>Открыть папку модели…</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="169" />
        <source>Not applied: %1</source>
        <translation>Не применено: %1</translation>
    </message>
    <message>
        <location filename="../app/gui/model_panel.cpp" line="217" />
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2 parameters, %3 active per token</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;параметров: %2, активных на токен: %3</translation>
    </message>
</context>
<context>
    <name>seqlens::app::Session</name>
    <message>
        <location filename="../app/gui/session.cpp" line="95" />
        <source>custom %1</source>
        <translation>своя %1</translation>
    </message>
</context>
<context>
    <name>seqlens::widgets::AttentionHeadView</name>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="45" />
        <source>Layer:</source>
        <translation>Слой:</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="48" />
        <source>Normalisation:</source>
        <translation>Нормировка:</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="60" />
        <source>choose to record…</source>
        <translation>выберите для записи…</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="104" />
        <location filename="../widgets/attention_head_view.cpp" line="509" />
        <source>key token (s)</source>
        <translation>токен-ключ (s)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="105" />
        <location filename="../widgets/attention_head_view.cpp" line="510" />
        <source>query token (t)</source>
        <translation>токен-запрос (t)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="136" />
        <source>Attention map (head)</source>
        <translation>Карта внимания (голова)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="144" />
        <source>Raw α (signed)</source>
        <translation>Исходные α (со знаком)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="145" />
        <location filename="../widgets/attention_head_view.cpp" line="157" />
        <source>|α| min–max</source>
        <translation>|α|, мин–макс</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="146" />
        <source>Row-normalised |α|</source>
        <translation>|α|, нормированные по строкам</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="152" />
        <source>Attention</source>
        <translation>Внимание</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="153" />
        <source>Layer %1 — no attention map recorded</source>
        <translation>Слой %1 — карта внимания не записана</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="155" />
        <source>Layer %1, head %2 — softmax attention (probabilities)</source>
        <translation>Слой %1, голова %2 — softmax-внимание (вероятности)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="156" />
        <source>raw</source>
        <translation>исходные значения</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="158" />
        <source>row-normalised</source>
        <translation>нормировка по строкам</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="160" />
        <source>Layer %1, head %2 — hidden attention (%3)</source>
        <translation>Слой %1, голова %2 — скрытое внимание (%3)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="161" />
        <source>Layer %1, channel %2 — hidden attention (%3)</source>
        <translation>Слой %1, канал %2 — скрытое внимание (%3)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="174" />
        <source>probability</source>
        <translation>вероятность</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="175" />
        <source>α</source>
        <translation>α</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="176" />
        <source>|α| (min–max)</source>
        <translation>|α| (мин–макс)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="177" />
        <location filename="../widgets/attention_head_view.cpp" line="336" />
        <source>|α| / row sum</source>
        <translation>|α| / сумма строки</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="178" />
        <source>query “%1” (t = %2)
key “%3” (s = %4)
%5 = %6</source>
        <translation>запрос «%1» (t = %2)
ключ «%3» (s = %4)
%5 = %6</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="259" />
        <source>attention</source>
        <translation>внимание</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="260" />
        <source>Mamba-2</source>
        <translation>Mamba-2</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="261" />
        <source>Mamba</source>
        <translation>Mamba</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="262" />
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="272" />
        <location filename="../widgets/attention_head_view.cpp" line="278" />
        <source>Head:</source>
        <translation>Голова:</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="278" />
        <source>Channel:</source>
        <translation>Канал:</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="282" />
        <source>Head %1</source>
        <translation>Голова %1</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="282" />
        <source>Channel %1</source>
        <translation>Канал %1</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="283" />
        <source>%1 (record)</source>
        <translation>%1 (записать)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="316" />
        <source>Softmax attention is shown as probabilities.</source>
        <translation>Softmax-внимание показывается как вероятности.</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="333" />
        <source>attention probability</source>
        <translation>вероятность внимания</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="334" />
        <source>hidden attention α</source>
        <translation>скрытое внимание α</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="335" />
        <source>|α|, min–max scaled</source>
        <translation>|α|, масштаб мин–макс</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="393" />
        <source>No trace yet: run a model to see its attention.</source>
        <translation>Трассы пока нет: запустите модель, чтобы увидеть её внимание.</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="397" />
        <source>The attention pattern of layer %1 was not recorded.</source>
        <translation>Паттерн внимания слоя %1 не записан.</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="399" />
        <source>No hidden attention recorded for layer %1.
Choose a head above to record it.</source>
        <translation>Для слоя %1 скрытое внимание не записано.
Выберите голову выше, чтобы записать его.</translation>
    </message>
    <message>
        <location filename="../widgets/attention_head_view.cpp" line="401" />
        <source>No hidden attention recorded for layer %1.
Choose a channel above to record it.</source>
        <translation>Для слоя %1 скрытое внимание не записано.
Выберите канал выше, чтобы записать его.</translation>
    </message>
</context>
<context>
    <name>seqlens::widgets::AttentionModelView</name>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="114" />
        <source>Attention maps (model)</source>
        <translation>Карты внимания (модель)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="141" />
        <source>L%1 H%2</source>
        <translation>С%1 Г%2</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="142" />
        <source>L%1 h%2</source>
        <translation>С%1 г%2</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="143" />
        <source>L%1 ch %2</source>
        <translation>С%1 кан. %2</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="210" />
        <source>Record attention patterns or hidden-attention channels to see maps here.</source>
        <translation>Запишите паттерны внимания или каналы скрытого внимания, чтобы увидеть здесь карты.</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="213" />
        <source>orange frames: softmax attention (probabilities)</source>
        <translation>оранжевые рамки: softmax-внимание (вероятности)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="215" />
        <source>green frames: Mamba hidden attention (%1)</source>
        <translation>зелёные рамки: скрытое внимание Mamba (%1)</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="216" />
        <source>raw α, each map on its own scale</source>
        <translation>исходные α, у каждой карты своя шкала</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="217" />
        <source>|α| min–max</source>
        <translation>|α|, мин–макс</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="218" />
        <source>row-normalised |α|</source>
        <translation>|α|, нормированные по строкам</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="219" />
        <source>click a map to inspect it</source>
        <translation>щёлкните по карте, чтобы рассмотреть её</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="235" />
        <source>Attention maps by layer</source>
        <translation>Карты внимания по слоям</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="274" />
        <location filename="../widgets/attention_model_view.cpp" line="276" />
        <source>probability</source>
        <translation>вероятность</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="275" />
        <source>normalised |α|</source>
        <translation>нормированные |α|</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="277" />
        <source>probability · normalised |α|</source>
        <translation>вероятность · нормированные |α|</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="278" />
        <source>α ÷ max |α| of its map</source>
        <translation>α ÷ max |α| своей карты</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="285" />
        <source>No trace yet: run a model to see the attention maps of every layer.</source>
        <translation>Трассы пока нет: запустите модель, чтобы увидеть карты внимания всех слоёв.</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="300" />
        <source>attention</source>
        <translation>внимание</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="301" />
        <source>Mamba-2</source>
        <translation>Mamba-2</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="302" />
        <source>Mamba</source>
        <translation>Mamba</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="303" />
        <source>L%1
%2</source>
        <translation>С%1
%2</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="309" />
        <source>attention pattern not recorded</source>
        <translation>паттерн внимания не записан</translation>
    </message>
    <message>
        <location filename="../widgets/attention_model_view.cpp" line="310" />
        <source>hidden attention not recorded: pick a channel in the head view to record it</source>
        <translation>скрытое внимание не записано: выберите канал в окне головы, чтобы записать его</translation>
    </message>
</context>
<context>
    <name>seqlens::widgets::LayerRibbon</name>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="111" />
        <source>attention</source>
        <translation>внимание</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="113" />
        <source>Mamba-1</source>
        <translation>Mamba-1</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="115" />
        <source>Mamba-2</source>
        <translation>Mamba-2</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="123" />
        <source>A</source>
        <translation>В</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="125" />
        <source>M1</source>
        <translation>M1</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="127" />
        <source>M2</source>
        <translation>M2</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="138" />
        <source>Layer %1: %2 + MoE</source>
        <translation>Слой %1: %2 + MoE</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="140" />
        <source>Layer %1: %2 + dense MLP</source>
        <translation>Слой %1: %2 + плотный MLP</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="142" />
        <source>Layer %1: %2 (no MLP)</source>
        <translation>Слой %1: %2 (без MLP)</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="148" />
        <source>No model</source>
        <translation>Модель не загружена</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="151" />
        <source>%1 attention : %2 Mamba</source>
        <translation>внимание : Mamba = %1 : %2</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="153" />
        <source>%1 layers</source>
        <translation>слоёв: %1</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="154" />
        <source>%1 MoE</source>
        <translation>MoE: %1</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="276" />
        <source>%1 = %2 (%3)</source>
        <translation>%1 = %2 (%3)</translation>
    </message>
    <message>
        <location filename="../widgets/layer_ribbon.cpp" line="290" />
        <source>MoE</source>
        <translation>MoE</translation>
    </message>
</context>
<context>
    <name>seqlens::widgets::ProjectionView</name>
    <message>
        <location filename="../widgets/projection_view.cpp" line="59" />
        <source>Published models</source>
        <translation>Опубликованные модели</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="195" />
        <source>Memory per sequence: KV cache vs SSM state (bf16)</source>
        <translation>Память на последовательность: KV-кэш и состояние SSM (bf16)</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="196" />
        <source>Parameters stored vs used per token</source>
        <translation>Параметры: хранимые и используемые на токен</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="199" />
        <source>Context length (tokens); dashed beyond the model's trained context</source>
        <translation>Длина контекста (токенов); пунктир — за пределами контекста, на котором обучена модель</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="200" />
        <source>Bytes kept per sequence</source>
        <translation>Байт на последовательность</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="204" />
        <source>%1 MiB</source>
        <translation>%1 МиБ</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="205" />
        <source>%1 GiB</source>
        <translation>%1 ГиБ</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="206" />
        <source>%1 TiB</source>
        <translation>%1 ТиБ</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="214" />
        <source>%1 (constant state)</source>
        <translation>%1 (постоянное состояние)</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="216" />
        <source>%1 (KV + state)</source>
        <translation>%1 (KV + состояние)</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="219" />
        <source>outgrows %1 GiB</source>
        <translation>превышает %1 ГиБ</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="220" />
        <source>%1 GiB GPU</source>
        <translation>GPU на %1 ГиБ</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="223" />
        <source>%1: sliding window, the cache stops at %2 tokens</source>
        <translation>%1: скользящее окно, кэш перестаёт расти на %2 токенах</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="227" />
        <source>Parameters (billions)</source>
        <translation>Параметры (млрд)</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="228" />
        <source>Total (stored)</source>
        <translation>Всего (хранится)</translation>
    </message>
    <message>
        <location filename="../widgets/projection_view.cpp" line="229" />
        <source>Active per token</source>
        <translation>Активны на токен</translation>
    </message>
</context>
<context>
    <name>seqlens::widgets::RoutingView</name>
    <message>
        <location filename="../widgets/routing_view.cpp" line="139" />
        <source>MoE layer:</source>
        <translation>Слой MoE:</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="153" />
        <source>The Mixture-of-Experts layer whose routing is shown</source>
        <translation>Слой смеси экспертов (MoE), маршрутизация которого показана</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="193" />
        <location filename="../widgets/routing_view.cpp" line="639" />
        <source>Layer %1</source>
        <translation>Слой %1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="198" />
        <source>No trace yet: run the model on some text.</source>
        <translation>Трассировки пока нет: запустите модель на каком-нибудь тексте.</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="200" />
        <source>This model has no Mixture-of-Experts layers, so no token is routed.</source>
        <translation>В этой модели нет слоёв смеси экспертов (MoE), поэтому токены никуда не маршрутизируются.</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="201" />
        <source>Load a Jamba model to see expert routing.</source>
        <translation>Загрузите модель Jamba, чтобы увидеть маршрутизацию по экспертам.</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="203" />
        <source>Routing was not recorded for this trace.</source>
        <translation>В этой трассировке маршрутизация не записана.</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="204" />
        <source>Record the router probabilities and top-k choices to see it.</source>
        <translation>Запишите вероятности маршрутизатора и выбор top-k, чтобы её увидеть.</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="331" />
        <source>E%1</source>
        <translation>E%1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="341" />
        <location filename="../widgets/routing_view.cpp" line="390" />
        <source>token</source>
        <translation>токен</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="346" />
        <source>expert</source>
        <translation>эксперт</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="349" />
        <source>router probability</source>
        <translation>вероятность маршрутизатора</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="356" />
        <source>top-%1 choice</source>
        <translation>выбор top-%1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="368" />
        <source>experts chosen at the token cursor</source>
        <translation>эксперты, выбранные для токена под курсором</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="373" />
        <location filename="../widgets/routing_view.cpp" line="713" />
        <source>load (share of top-k picks)</source>
        <translation>нагрузка (доля выборов top-k)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="393" />
        <source>entropy (bits)</source>
        <translation>энтропия (бит)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="405" />
        <source>maximum log₂ %1 = %2 bits</source>
        <translation>максимум log₂ %1 = %2 бит</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="454" />
        <source>L%1</source>
        <translation>С%1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="715" />
        <source>load</source>
        <translation>нагрузка</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="416" />
        <source>MoE layer</source>
        <translation>слой MoE</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="418" />
        <source>mean entropy (bits)</source>
        <translation>средняя энтропия (бит)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="507" />
        <source>ideal 1/%1</source>
        <translation>идеал 1/%1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="525" />
        <source>Expert routing, layer %1: %2 experts, top-%3</source>
        <translation>Маршрутизация по экспертам, слой %1: экспертов %2, top-%3</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="527" />
        <source>Mean routing entropy %1 bits (%2% of the maximum %3); busiest expert E%4 takes %5% of the picks (%6× the even share)</source>
        <translation>Средняя энтропия маршрутизации %1 бит (%2% от максимума %3); самый загруженный эксперт E%4 получает %5% выборов (%6× от равной доли)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="613" />
        <source>Token %1 “%2”, expert E%3</source>
        <translation>Токен %1 «%2», эксперт E%3</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="614" />
        <source>probability %1</source>
        <translation>вероятность %1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="615" />
        <source>chosen: top-%1, weight %2</source>
        <translation>выбран: top-%1, вес %2</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="618" />
        <source>not chosen</source>
        <translation>не выбран</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="623" />
        <source>Token %1 “%2”</source>
        <translation>Токен %1 «%2»</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="624" />
        <source>routing entropy %1 bits (%2% of the maximum)</source>
        <translation>энтропия маршрутизации %1 бит (%2% от максимума)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="630" />
        <source>Expert E%1</source>
        <translation>Эксперт E%1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="631" />
        <source>load %1% of the top-k picks (ideal %2%)</source>
        <translation>нагрузка %1% выборов top-k (идеал %2%)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="634" />
        <source>mean probability %1</source>
        <translation>средняя вероятность %1</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="640" />
        <source>mean routing entropy %1 bits</source>
        <translation>средняя энтропия маршрутизации %1 бит</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.cpp" line="641" />
        <source>load imbalance %1× (max load / ideal)</source>
        <translation>дисбаланс нагрузки %1× (макс. нагрузка / идеал)</translation>
    </message>
    <message>
        <location filename="../widgets/routing_view.h" line="38" />
        <source>Expert routing</source>
        <translation>Маршрутизация по экспертам</translation>
    </message>
</context>
<context>
    <name>seqlens::widgets::ScalingView</name>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="101" />
        <source>Scaling</source>
        <translation>Масштабирование</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="175" />
        <source>Up to:</source>
        <translation>До:</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="176" />
        <source>Longest input measured (tokens); doubling from 64</source>
        <translation>Самая длинная измеряемая последовательность (токенов); длина удваивается, начиная с 64</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="177" />
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="177" />
        <source>Measure</source>
        <translation>Измерить</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="178" />
        <source>Stop the measurement</source>
        <translation>Остановить измерение</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="179" />
        <source>Run every architecture on random tokens of doubling length</source>
        <translation>Прогнать каждую архитектуру на случайных токенах, удваивая длину</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="180" />
        <source>Time per forward pass</source>
        <translation>Время прямого прохода</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="181" />
        <source>Peak working memory</source>
        <translation>Пиковая рабочая память</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="182" />
        <source>Input length n (tokens)</source>
        <translation>Длина входа n (токенов)</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="183" />
        <source>Time (ms)</source>
        <translation>Время (мс)</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="184" />
        <source>Peak memory (MiB)</source>
        <translation>Пиковая память (МиБ)</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="186" />
        <source>O(n) guide</source>
        <translation>Ориентир O(n)</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="187" />
        <source>O(n²) guide</source>
        <translation>Ориентир O(n²)</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="193" />
        <source>Measures Transformer, Mamba-1, Mamba-2 and Jamba of the current model's width and depth.</source>
        <translation>Измеряет трансформер, Mamba-1, Mamba-2 и Jamba той же ширины и глубины, что и текущая модель.</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="201" />
        <source>Transformer</source>
        <translation>Трансформер</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="203" />
        <source>Mamba-1</source>
        <translation>Mamba-1</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="205" />
        <source>Mamba-2</source>
        <translation>Mamba-2</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="207" />
        <source>Jamba hybrid</source>
        <translation>Гибрид Jamba</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="218" />
        <source>%1 stopped after %2 tokens: the next length exceeds the memory budget</source>
        <translation>%1: измерение остановлено после %2 токенов — следующая длина превышает бюджет памяти</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="221" />
        <source>%1 stopped after %2 tokens: the last pass exceeded the time budget</source>
        <translation>%1: измерение остановлено после %2 токенов — последний проход превысил бюджет времени</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="224" />
        <source>%1 stopped after %2 tokens: the total time budget was spent</source>
        <translation>%1: измерение остановлено после %2 токенов — общий бюджет времени исчерпан</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="254" />
        <source>Measured %1 at %2 tokens: %3 ms</source>
        <translation>Измерено: %1 на %2 токенах — %3 мс</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="288" />
        <source>Slopes fitted on log–log axes over n = %1 … %2 tokens.</source>
        <translation>Наклоны подобраны в логарифмических осях по n = %1 … %2 токенов.</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="304" />
        <source>Measuring…</source>
        <translation>Идёт измерение…</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="333" />
        <source>%1 — slope %2</source>
        <translation>%1 — наклон %2</translation>
    </message>
    <message>
        <location filename="../widgets/scaling_view.cpp" line="394" />
        <source>your input: %1 tokens</source>
        <translation>ваш вход: %1 токенов</translation>
    </message>
</context>
<context>
    <name>seqlens::widgets::SsmStateView</name>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="119" />
        <source>SSM state</source>
        <translation>Состояние SSM</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="187" />
        <source>Pause</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="187" />
        <source>Play</source>
        <translation>Пуск</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="192" />
        <source>Step through the tokens and watch the state being written and decaying</source>
        <translation>Пройти по токенам и посмотреть, как состояние записывается и затухает</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="193" />
        <source>Time step t</source>
        <translation>Шаг по времени t</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="194" />
        <source>Mamba layer</source>
        <translation>Слой Mamba</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="197" />
        <source>Head</source>
        <translation>Голова</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="197" />
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="198" />
        <source>Mamba-2 head h</source>
        <translation>Голова h Mamba-2</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="198" />
        <source>Mamba-1 channel e (of d_inner)</source>
        <translation>Канал e Mamba-1 (из d_inner)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="199" />
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="200" />
        <source>Head-dim index p, or RMS over p</source>
        <translation>Индекс p внутри головы или RMS по p</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="201" />
        <source>RMS</source>
        <translation>RMS</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="202" />
        <source>All heads (RMS)</source>
        <translation>Все головы (RMS)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="202" />
        <source>All channels (RMS)</source>
        <translation>Все каналы (RMS)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="203" />
        <source>Show the RMS of the state over every channel of the layer</source>
        <translation>Показать RMS состояния по всем каналам слоя</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="204" />
        <source>Δ, head %1</source>
        <translation>Δ, голова %1</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="205" />
        <source>Δ, channel %1</source>
        <translation>Δ, канал %1</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="206" />
        <source>mean over heads</source>
        <translation>среднее по головам</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="206" />
        <source>mean over channels</source>
        <translation>среднее по каналам</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="207" />
        <source>half-life</source>
        <translation>период полураспада</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="208" />
        <source>capped (Δ ≈ 0)</source>
        <translation>ограничено (Δ ≈ 0)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="209" />
        <source>head %1</source>
        <translation>голова %1</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="210" />
        <source>channel %1</source>
        <translation>канал %1</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="211" />
        <source>h(t−1)</source>
        <translation>h(t−1)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="212" />
        <source>decayed exp(Δ·A)·h(t−1)</source>
        <translation>затухшее exp(Δ·A)·h(t−1)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="213" />
        <source>written</source>
        <translation>записано</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="214" />
        <source>h(t)</source>
        <translation>h(t)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="215" />
        <location filename="../widgets/ssm_state_view.cpp" line="224" />
        <source>state n</source>
        <translation>состояние n</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="216" />
        <source>Δ</source>
        <translation>Δ</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="217" />
        <source>B (n)</source>
        <translation>B (n)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="218" />
        <source>C (n)</source>
        <translation>C (n)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="219" />
        <source>token</source>
        <translation>токен</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="220" />
        <source>state</source>
        <translation>состояние</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="221" />
        <source>B, C</source>
        <translation>B, C</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="222" />
        <source>head</source>
        <translation>голова</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="222" />
        <source>channel</source>
        <translation>канал</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="223" />
        <source>half-life (tokens)</source>
        <translation>период полураспада (токены)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="225" />
        <source>value</source>
        <translation>значение</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="258" />
        <source>Layer %1 · Mamba-2</source>
        <translation>Слой %1 · Mamba-2</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="259" />
        <source>Layer %1 · Mamba-1</source>
        <translation>Слой %1 · Mamba-1</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="309" />
        <source>Run a model to see how its SSM state evolves</source>
        <translation>Запустите модель, чтобы увидеть, как меняется её состояние SSM</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="313" />
        <source>This model has no SSM layer</source>
        <translation>В этой модели нет слоёв SSM</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="321" />
        <source>Layer %1: recording its SSM state…</source>
        <translation>Слой %1: записывается его состояние SSM…</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="406" />
        <source>Layer %1 · all heads (RMS over h and p)</source>
        <translation>Слой %1 · все головы (RMS по h и p)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="407" />
        <source>Layer %1 · all channels (RMS)</source>
        <translation>Слой %1 · все каналы (RMS)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="409" />
        <source>Layer %1 · channel %2</source>
        <translation>Слой %1 · канал %2</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="411" />
        <source>Layer %1 · head %2 (RMS over p)</source>
        <translation>Слой %1 · голова %2 (RMS по p)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="413" />
        <source>Layer %1 · head %2, p = %3</source>
        <translation>Слой %1 · голова %2, p = %3</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="414" />
        <source>%1 — SSM state h(t) over time</source>
        <translation>%1 — состояние SSM h(t) во времени</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="415" />
        <source> · state kept every %1 steps</source>
        <translation> · состояние сохранено через каждые %1 шагов</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="452" />
        <source>input: %1 tokens</source>
        <translation>длина входа (токенов): %1</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="461" />
        <source>Half-life: the trace has no model weights</source>
        <translation>Период полураспада: в трассе нет весов модели</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="465" />
        <source>≥ %1 (Δ ≈ 0)</source>
        <translation>≥ %1 (Δ ≈ 0)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="468" />
        <source>Memory half-life per head · head %1: %2 tokens</source>
        <translation>Период полураспада памяти по головам · голова %1: %2 (в токенах)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="469" />
        <source>Memory half-life per channel · ch %1: %2 tokens</source>
        <translation>Период полураспада памяти по каналам · канал %1: %2 (в токенах)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="480" />
        <source>t = %1 «%2»</source>
        <translation>t = %1 «%2»</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="502" />
        <source>needs the model's A</source>
        <translation>нужна матрица A модели</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="504" />
        <source>the state was kept only every %1 steps</source>
        <translation>состояние сохранено только через каждые %1 шагов</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="506" />
        <source>choose a head-dim p</source>
        <translation>выберите индекс p</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="522" />
        <source>Step %1 «%2»: old state decays, input writes</source>
        <translation>Шаг %1 «%2»: старое состояние затухает, вход записывает новое</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="527" />
        <source>half-life at this step's Δ: ≥ %1 tokens</source>
        <translation>период полураспада при Δ этого шага: ≥ %1 (в токенах)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="528" />
        <source>half-life at this step's Δ: %1 tokens</source>
        <translation>период полураспада при Δ этого шага: %1 (в токенах)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="535" />
        <source>Step %1: no decomposition (%2)</source>
        <translation>Шаг %1: разложение недоступно (%2)</translation>
    </message>
    <message>
        <location filename="../widgets/ssm_state_view.cpp" line="619" />
        <source>token %1 «%2» · state n = %3: %4</source>
        <translation>токен %1 «%2» · состояние n = %3: %4</translation>
    </message>
</context>
<context>
    <name>seqlens::widgets::TokenChips</name>
    <message>
        <location filename="../widgets/token_chips.cpp" line="181" />
        <source>Token %1: %2 (id %3)</source>
        <translation>Токен %1: %2 (id %3)</translation>
    </message>
    <message>
        <location filename="../widgets/token_chips.cpp" line="260" />
        <source>No tokens</source>
        <translation>Нет токенов</translation>
    </message>
</context>
</TS>