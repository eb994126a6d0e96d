<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>Bootstrap</name>
    <message>
        <source>正在检查数据库结构…</source>
        <translation>Checking the database structure…</translation>
    </message>
    <message>
        <source>没有用户 %1。</source>
        <translation>There is no user %1.</translation>
    </message>
    <message>
        <source>出错了：%1</source>
        <translation>Something went wrong: %1</translation>
    </message>
</context>
<context>
    <name>ConsolePresenter</name>
    <message>
        <source>%1大区</source>
        <translation>%1 region</translation>
    </message>
    <message>
        <source>排名与差距</source>
        <translation>Ranking and gaps</translation>
    </message>
    <message>
        <source>趋势</source>
        <translation>Trends</translation>
    </message>
    <message>
        <source>门店</source>
        <translation>Store</translation>
    </message>
    <message>
        <source>全国</source>
        <translation>National</translation>
    </message>
    <message>
        <source>工单 %1</source>
        <translation>Work order %1</translation>
    </message>
    <message>
        <source>门店 %1</source>
        <translation>Store %1</translation>
    </message>
    <message>
        <source>已确认预警：%1 · %2</source>
        <translation>Alert acknowledged: %1 · %2</translation>
    </message>
    <message>
        <source>出错了：%1</source>
        <translation>Something went wrong: %1</translation>
    </message>
    <message>
        <source>%1 已放回主窗口。</source>
        <translation>%1 is back in the main window.</translation>
    </message>
    <message>
        <source>%1 已全屏显示在 %2。</source>
        <translation>%1 is now full screen on %2.</translation>
    </message>
    <message>
        <source>界面语言将在下次启动时切换为 %1。</source>
        <translation>The language changes to %1 the next time the app starts.</translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <source>全国地图</source>
        <translation>Map</translation>
    </message>
    <message>
        <source>指标墙</source>
        <translation>KPI wall</translation>
    </message>
    <message>
        <source>预警</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>售后服务网络控制中心 · %1</source>
        <translation>After-sales Network Control Center · %1</translation>
    </message>
    <message>
        <source>导航</source>
        <translation>Navigation</translation>
    </message>
    <message>
        <source>◀ 后退</source>
        <translation>◀ Back</translation>
    </message>
    <message>
        <source>前进 ▶</source>
        <translation>Forward ▶</translation>
    </message>
    <message>
        <source>⌂ 首页</source>
        <translation>⌂ Home</translation>
    </message>
    <message>
        <source>多屏</source>
        <translation>Screens</translation>
    </message>
    <message>
        <source>立即重启</source>
        <translation>Restart now</translation>
    </message>
    <message>
        <source>全屏显示在 %1</source>
        <translation>Full screen on %1</translation>
    </message>
    <message>
        <source>放回主窗口</source>
        <translation>Back into this window</translation>
    </message>
    <message>
        <source>数据库连接中断，正在自动重连；下面显示的是 %1 的数据。</source>
        <translation>The database is unreachable; reconnecting automatically. The data shown is from %1.</translation>
    </message>
    <message>
        <source>正在加载…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>实时</source>
        <translation>live</translation>
    </message>
    <message>
        <source>%1 秒前</source>
        <translation>%1 s ago</translation>
    </message>
    <message>
        <source>数据更新于 %1 · %2</source>
        <translation>Data updated at %1 · %2</translation>
    </message>
</context>
<context>
    <name>KpiTile</name>
    <message>
        <source>工位利用率</source>
        <translation>Bay utilization</translation>
    </message>
    <message>
        <source>工位被占用的时间 ÷ 工位开放的时间</source>
        <translation>Occupied bay time ÷ open bay time</translation>
    </message>
    <message>
        <source>客户等待时长</source>
        <translation>Customer waiting time</translation>
    </message>
    <message>
        <source>从到店（或预约时间）到开始维修的平均时长</source>
        <translation>Average time from arrival (or the booked time, if later) to the start of work</translation>
    </message>
    <message>
        <source>日均接车量</source>
        <translation>Vehicles received</translation>
    </message>
    <message>
        <source>每家门店每天接待的车辆数</source>
        <translation>Vehicles checked in per store per day</translation>
    </message>
    <message>
        <source>门店日均产值</source>
        <translation>Store output</translation>
    </message>
    <message>
        <source>每家门店每天完工工单的金额</source>
        <translation>Amount of completed work orders per store per day</translation>
    </message>
    <message>
        <source>客户满意度</source>
        <translation>Customer satisfaction (CSI)</translation>
    </message>
    <message>
        <source>客户评分的平均值，满分 100</source>
        <translation>Average customer rating, out of 100</translation>
    </message>
    <message>
        <source>跨店服务量</source>
        <translation>Cross-store services</translation>
    </message>
    <message>
        <source>由其他门店转来、在本店完成的工单（每天）</source>
        <translation>Work orders referred by another store and completed here (per day)</translation>
    </message>
    <message>
        <source>门店上线率</source>
        <translation>Stores online</translation>
    </message>
    <message>
        <source>最近 15 分钟有终端写入的门店 ÷ 全部在营门店</source>
        <translation>Stores whose terminals sent data in the last 15 minutes ÷ all open stores</translation>
    </message>
    <message>
        <source>小时</source>
        <translation>h</translation>
    </message>
    <message>
        <source>元</source>
        <translation>yuan</translation>
    </message>
    <message>
        <source>台</source>
        <translation>vehicles</translation>
    </message>
    <message>
        <source>分</source>
        <translation>pts</translation>
    </message>
    <message>
        <source>单</source>
        <translation>orders</translation>
    </message>
</context>
<context>
    <name>KpiTileWidget</name>
    <message>
        <source>较上周同日</source>
        <translation>vs same day last week</translation>
    </message>
    <message>
        <source>与上周同一天的同一时刻相比</source>
        <translation>Compared with the same time on the same weekday last week</translation>
    </message>
    <message>
        <source>持平</source>
        <translation>No change</translation>
    </message>
    <message>
        <source>无上周数据</source>
        <translation>No data for last week</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>zh_CN</source>
        <translation>en</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>登录 · 售后服务网络控制中心</source>
        <translation>Log in · After-sales Network Control Center</translation>
    </message>
    <message>
        <source>售后服务网络控制中心</source>
        <translation>After-sales Network Control Center</translation>
    </message>
    <message>
        <source>正在启动数据库…</source>
        <translation>Starting the database…</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>请选择您的账号</source>
        <translation>Choose your account</translation>
    </message>
    <message>
        <source>没有可用的账号；请联系总部。</source>
        <translation>No accounts available; please contact head office.</translation>
    </message>
    <message>
        <source>正在登录…</source>
        <translation>Logging in…</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>偏低</source>
        <translation>Low</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>偏高</source>
        <translation>High</translation>
    </message>
    <message>
        <source>暂无数据</source>
        <translation>No data</translation>
    </message>
    <message>
        <source>等待短</source>
        <translation>Short</translation>
    </message>
    <message>
        <source>等待较长</source>
        <translation>Long</translation>
    </message>
    <message>
        <source>等待过长</source>
        <translation>Very long</translation>
    </message>
    <message>
        <source>无预警</source>
        <translation>No alerts</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>警告</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>严重</source>
        <translation>Critical</translation>
    </message>
    <message>
        <source>工位利用率</source>
        <translation>Bay utilization</translation>
    </message>
    <message>
        <source>客户等待时长</source>
        <translation>Customer waiting time</translation>
    </message>
    <message>
        <source>未处理预警</source>
        <translation>Open alerts</translation>
    </message>
    <message>
        <source>利用率</source>
        <translation>Utilization</translation>
    </message>
    <message>
        <source>等待</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>预警</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>南海诸岛</source>
        <translation>South China Sea Islands</translation>
    </message>
    <message>
        <source>全国</source>
        <translation>National</translation>
    </message>
    <message>
        <source>复位</source>
        <translation>Reset</translation>
    </message>
    <message>
        <source>显示整个区域</source>
        <translation>Show the whole region again</translation>
    </message>
    <message>
        <source>离线（15 分钟无数据）</source>
        <translation>Offline (no data for 15 min)</translation>
    </message>
    <message>
        <source>圆越大，在修车辆越多（0 … %1+ 台）</source>
        <translation>Bigger circle = more vehicles in the workshop (0 … %1+)</translation>
    </message>
    <message>
        <source>%1 家门店</source>
        <translation>%1 stores</translation>
    </message>
    <message>
        <source>小时</source>
        <translation>h</translation>
    </message>
    <message>
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>客户等待</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>今日接车</source>
        <translation>Vehicles today</translation>
    </message>
    <message>
        <source>%1 台</source>
        <translation>%1 vehicles</translation>
    </message>
    <message>
        <source>在修车辆</source>
        <translation>In the workshop</translation>
    </message>
    <message>
        <source>终端</source>
        <translation>Terminals</translation>
    </message>
</context>
<context>
    <name>Ranking</name>
    <message>
        <source>工位利用率</source>
        <translation>Bay utilization</translation>
    </message>
    <message>
        <source>等待(小时)</source>
        <translation>Wait (h)</translation>
    </message>
    <message>
        <source>日均接车</source>
        <translation>Vehicles/day</translation>
    </message>
    <message>
        <source>%1 台</source>
        <translation>%1 vehicles</translation>
    </message>
    <message>
        <source>日均产值</source>
        <translation>Output/day</translation>
    </message>
    <message>
        <source>技师人均产值</source>
        <translation>Output per technician</translation>
    </message>
    <message>
        <source>满意度</source>
        <translation>CSI</translation>
    </message>
    <message>
        <source>%1 分</source>
        <translation>%1 pts</translation>
    </message>
    <message>
        <source>最佳</source>
        <translation>Best</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>排名</source>
        <translation>Rank</translation>
    </message>
    <message>
        <source>与最佳差距</source>
        <translation>Gap to best</translation>
    </message>
    <message>
        <source>按哪项指标找差距</source>
        <translation>The KPI to compare with the best on</translation>
    </message>
    <message>
        <source>找差距</source>
        <translation>Gap on</translation>
    </message>
    <message>
        <source>门店</source>
        <translation>Store</translation>
    </message>
    <message>
        <source>大区</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>范围</source>
        <translation>Scope</translation>
    </message>
</context>
<context>
    <name>StorePageWidget</name>
    <message>
        <source>在修车辆</source>
        <translation>In the workshop</translation>
    </message>
    <message>
        <source>今日预约</source>
        <translation>Today's bookings</translation>
    </message>
    <message>
        <source>技师</source>
        <translation>Technicians</translation>
    </message>
    <message>
        <source>手动调度将在排班模块中开放。</source>
        <translation>Moving jobs by hand comes with the dispatch module.</translation>
    </message>
    <message>
        <source>今日</source>
        <translation>Today</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <source>周一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>周二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>周三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>周四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>周五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>周六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>周日</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>趋势</source>
        <translation>Trends</translation>
    </message>
    <message>
        <source>选择要看的指标</source>
        <translation>Choose the KPI to show</translation>
    </message>
    <message>
        <source>目标 %1</source>
        <translation>Target %1</translation>
    </message>
    <message>
        <source>最新</source>
        <translation>Latest</translation>
    </message>
</context>
</TS>
